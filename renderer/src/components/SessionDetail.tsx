// One session: what it is (project, branch, state, site, elapsed, where it runs), why it failed if
// it did, how its start went, the host's warnings, and its terminals.
import type { ClaveApi } from '../../../shared/api';
import { stopDidNotFinish } from '../../../shared/session';
import type { ConnectionStatus } from '../api/connection';
import { displayUrl, formatDuration, formatElapsed } from '../format';
import { useStoreState } from '../store/hooks';
import type { SessionStore, SessionTabs, SessionView } from '../store/sessions';
import { AgentBadge, liveAgent } from './AgentBadge';
import { McpTunnels } from './McpTunnels';
import { ProblemBox } from './ProblemBox';
import { Progress } from './Progress';
import { StateBadge } from './StateBadge';
import { Terminals } from './Terminals';
import { ChangesView } from './changes/ChangesView';
import { KeptSession } from './KeptSession';
import { SessionWhere } from './orchard/SessionWhere';

/** Session sites open in the default browser (the app's main process allowlists them). */
export function openSite(url: string): void {
  window.open(url, '_blank', 'noopener,noreferrer');
}

function SiteLinks({ view }: { view: SessionView }) {
  const s = view.summary;
  if (!s?.url) return null;
  const direct =
    s.tunnelPort !== null && !/^https?:\/\/127\.0\.0\.1[:/]/.test(s.url)
      ? `http://127.0.0.1:${s.tunnelPort}`
      : null;
  return (
    <span className="site-links">
      <a
        className="site-link"
        href={s.url}
        target="_blank"
        rel="noreferrer noopener"
        onClick={(e) => {
          e.preventDefault();
          openSite(s.url!);
        }}
      >
        {displayUrl(s.url)}
      </a>
      {direct && (
        <a
          className="site-link direct"
          href={direct}
          target="_blank"
          rel="noreferrer noopener"
          title="The same site straight through the tunnel"
          onClick={(e) => {
            e.preventDefault();
            openSite(direct);
          }}
        >
          {displayUrl(direct)}
        </a>
      )}
    </span>
  );
}

export function SessionDetail({
  api,
  store,
  connection,
  view,
  tabs,
  visible,
  searchOpen,
  now,
  onAgentOutput,
}: {
  api: ClaveApi;
  store: SessionStore;
  connection: ConnectionStatus;
  view: SessionView;
  tabs: SessionTabs | undefined;
  visible: boolean;
  searchOpen: boolean;
  now: number;
  onAgentOutput?(): void;
}) {
  const s = view.summary;
  const agent = liveAgent(view);
  const running = view.state === 'running';
  const stopFailed = !!s && stopDidNotFinish(s);
  const started = view.pipelines.length > 0 && view.pipelines.every((p) => p.ms !== null);
  const totalMs = view.pipelines.reduce((a, p) => a + (p.ms ?? 0), 0);
  const warnings = s?.warnings ?? [];
  const { changesOpen, resuming } = useStoreState(store);
  const showChanges = changesOpen.includes(view.id);
  return (
    <article
      className={`session-detail state-${view.state}`}
      hidden={!visible}
      aria-label={`Session ${view.projectName || view.id}`}
      data-session-id={view.id}
    >
      <header className="session-header">
        <div className="session-title">
          <h2>{view.projectName || 'New session'}</h2>
          <StateBadge state={view.state} />
          {agent && <AgentBadge agent={agent} now={now} />}
          <span className="session-branch" title={s?.worktreeDir ?? undefined}>
            {s?.branch ? (
              <>
                {s.branch}
                {s.baseBranch && <span className="dim"> from {s.baseBranch}</span>}
              </>
            ) : (
              (s?.baseBranch ?? '')
            )}
          </span>
        </div>
        <div className="session-meta">
          <SiteLinks view={view} />
          <span className="elapsed" title="Time since the session started">
            {formatElapsed((view.endedAt ?? now) - view.startedAt)}
          </span>
          {s?.worktreeDir && view.state !== 'failed' && (
            <button
              type="button"
              aria-pressed={showChanges}
              onClick={() =>
                showChanges ? store.hideChanges(view.id) : store.showChanges(view.id)
              }
            >
              Changes
            </button>
          )}
          {view.state === 'failed' ? (
            <button type="button" onClick={() => store.dismiss(view.id)}>
              Dismiss
            </button>
          ) : (
            <button
              type="button"
              className="danger"
              disabled={(view.state === 'stopping' && !stopFailed) || !s}
              onClick={() => store.requestExit(view.id, 'user')}
            >
              {stopFailed ? 'Stop again…' : view.state === 'stopping' ? 'Stopping…' : 'Stop…'}
            </button>
          )}
        </div>
      </header>
      {agent?.detail && (
        <p className={`agent-detail agent-${agent.state}`} role="status" aria-label="Agent">
          {agent.detail}
        </p>
      )}
      {s?.urlNote && running && <p className="url-note">{s.urlNote}</p>}
      {s && view.state !== 'kept' && (
        <SessionWhere api={api} summary={s} live={running} now={now} />
      )}
      {s && running && <McpTunnels tunnels={s.mcpTunnels} />}
      {view.state === 'kept' && s && (
        <KeptSession store={store} summary={s} resuming={resuming.includes(view.id)} now={now} />
      )}

      {view.failure && (
        <ProblemBox
          problem={view.failure.problem}
          title={
            view.state === 'kept'
              ? 'Why the copy was kept'
              : stopFailed
                ? 'The stop did not finish'
                : view.failure.label
                  ? `Failed at: ${view.failure.label}`
                  : 'The session failed'
          }
        />
      )}

      {(!running || !started) && view.state !== 'stopping' && view.state !== 'kept' && (
        <Progress pipelines={view.pipelines} now={now} />
      )}
      {running && started && (
        <details className="progress-summary">
          <summary>Started in {formatDuration(totalMs)}</summary>
          <Progress pipelines={view.pipelines} now={now} />
        </details>
      )}

      {warnings.length > 0 && (
        <details className="warnings" open={view.state === 'starting'}>
          <summary>
            {warnings.length} warning{warnings.length > 1 ? 's' : ''}
          </summary>
          {warnings.map((w, i) => (
            <ProblemBox key={i} problem={w} level="warn" />
          ))}
        </details>
      )}

      {showChanges && (
        // A new connection has no watch on the host yet: remounting asks for one and re-reads.
        <ChangesView
          key={connection.epoch}
          api={api}
          sessionId={view.id}
          onClose={() => store.hideChanges(view.id)}
        />
      )}
      {(running || (tabs?.tabs.length ?? 0) > 0) && (
        <Terminals
          api={api}
          store={store}
          connection={connection}
          sessionId={view.id}
          tabs={tabs}
          visible={visible && !showChanges}
          searchOpen={searchOpen}
          running={running}
          {...(onAgentOutput ? { onAgentOutput } : {})}
        />
      )}
    </article>
  );
}
