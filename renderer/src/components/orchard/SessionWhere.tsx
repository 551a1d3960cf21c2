// Where a session runs: this Mac or Orchard (and on which worker), where its MySQL and Redis are,
// and for Orchard, when the VM's work last reached the session copy, with "Sync now".
import { useState } from 'react';
import type { ClaveApi } from '../../../../shared/api';
import type { Problem, SessionSummary } from '../../../../shared/session';
import { problemOf } from '../../store/problem';
import { ProblemBox } from '../ProblemBox';
import { RUNS_ON, SERVICES_WORDS, lastSyncWords } from './words';
import './orchard.css';

interface WhereProps {
  api: ClaveApi;
  summary: SessionSummary;
  /** The VM is there to sync from (running, or stopping with its VM still up). */
  live: boolean;
  now: number;
}

export function SessionWhere({ api, summary: s, live, now }: WhereProps) {
  return (
    <section className="session-where" aria-label="Where it runs">
      <span>
        <span className="dim">Runs on </span>
        {RUNS_ON[s.backend]}
        {s.backend === 'orchard' && (
          <span className="dim">
            {s.worker ? (
              <>
                {' '}
                · worker <span className="worker-name">{s.worker}</span>
              </>
            ) : (
              ' · no worker yet'
            )}
          </span>
        )}
      </span>
      {s.services && (
        <span>
          <span className="dim">MySQL and Redis: </span>
          {SERVICES_WORDS[s.services]}
        </span>
      )}
      {s.backend === 'orchard' && <SyncNow api={api} summary={s} live={live} now={now} />}
    </section>
  );
}

function SyncNow({ api, summary: s, live, now }: WhereProps) {
  const [syncing, setSyncing] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  // The answer may come before the host's session.updated: the newer of the two is shown.
  const [answered, setAnswered] = useState<string | null>(null);
  const syncedAt =
    answered && (!s.syncedAt || Date.parse(answered) > Date.parse(s.syncedAt))
      ? answered
      : s.syncedAt;
  const sync = () => {
    setSyncing(true);
    setProblem(null);
    api.call('sessions.sync', { id: s.id }).then(
      (r) => {
        setAnswered(r.syncedAt);
        setSyncing(false);
      },
      (e: unknown) => {
        setProblem(problemOf(e));
        setSyncing(false);
      },
    );
  };
  return (
    <>
      <span
        className="last-sync"
        role="status"
        aria-label="Last sync"
        title={
          syncedAt
            ? `${new Date(syncedAt).toLocaleString()}: the VM’s work up to then is in the session copy`
            : 'The VM’s work reaches the session copy after each agent turn'
        }
      >
        {lastSyncWords({ syncedAt }, now)}
      </span>
      {live && (
        <button type="button" className="small" disabled={syncing} onClick={sync}>
          {syncing ? 'Syncing…' : 'Sync now'}
        </button>
      )}
      {problem && <ProblemBox problem={problem} title="Could not sync" />}
    </>
  );
}
