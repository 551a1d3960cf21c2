// A session's terminal tabs: Claude (the agent's tmux) first, then any "New Shell" tabs into the
// same VM. Every tab stays mounted while the window lives, so switching never re-attaches.
import type { ClaveApi } from '../../../shared/api';
import type { ConnectionStatus } from '../api/connection';
import type { SessionStore, SessionTabs } from '../store/sessions';
import { SearchBar } from './SearchBar';
import { TerminalView } from './TerminalView';

export function Terminals({
  api,
  store,
  connection,
  sessionId,
  tabs,
  visible,
  searchOpen,
  running,
  onAgentOutput,
}: {
  api: ClaveApi;
  store: SessionStore;
  connection: ConnectionStatus;
  sessionId: string;
  tabs: SessionTabs | undefined;
  visible: boolean;
  searchOpen: boolean;
  running: boolean;
  /** The agent's screen shows something new. */
  onAgentOutput?(): void;
}) {
  const list = tabs?.tabs ?? [];
  const active = tabs?.active ?? null;
  const hasAgent = list.some((t) => t.kind === 'agent');
  return (
    <section className="terminals" hidden={!visible} aria-label="Terminals">
      <div className="tab-bar">
        <div role="tablist" aria-label="Terminal tabs" className="tabs">
          {list.map((t) => (
            <div
              key={t.key}
              className={`tab${t.key === active ? ' active' : ''}${t.exited ? ' exited' : ''}`}
            >
              <button
                type="button"
                role="tab"
                aria-selected={t.key === active}
                className="tab-title"
                onClick={() => store.activateTab(sessionId, t.key)}
              >
                {t.kind === 'agent' ? '✻ ' : '$ '}
                {t.title}
              </button>
              <button
                type="button"
                className="tab-close"
                aria-label={`Close ${t.title}`}
                title="Close tab (the agent keeps running)"
                onClick={() => store.closeTab(sessionId, t.key)}
              >
                ×
              </button>
            </div>
          ))}
        </div>
        <div className="tab-actions">
          {!hasAgent && (
            <button
              type="button"
              disabled={!running}
              onClick={() => store.openTab(sessionId, 'agent')}
            >
              Open Claude
            </button>
          )}
          <button
            type="button"
            disabled={!running}
            onClick={() => store.openTab(sessionId, 'shell')}
          >
            New Shell
          </button>
        </div>
      </div>
      <div className="terminal-stack">
        {visible && searchOpen && active && (
          <SearchBar tabKey={active} onClose={() => store.setSearchOpen(false)} />
        )}
        {list.map((t) => (
          <TerminalView
            key={t.key}
            api={api}
            connection={connection}
            tab={t}
            visible={visible && t.key === active}
            onExit={(code) => store.tabExited(sessionId, t.key, code)}
            {...(t.kind === 'agent' && onAgentOutput ? { onOutput: onAgentOutput } : {})}
          />
        ))}
        {!list.length && (
          <div className="terminal-empty">
            {running
              ? 'No terminal open. Claude keeps running in the VM; open it again above.'
              : 'The terminal opens when the session is running.'}
          </div>
        )}
      </div>
    </section>
  );
}
