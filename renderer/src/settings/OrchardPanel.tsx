// The Orchard controller sessions may run on: whether it answers (and why not), connecting with a
// controller URL, a service account and its token (checked by the host before anything is saved),
// and Disconnect. The token goes from the password field straight into orchard.connect: it is
// read from the input at submit, the input is cleared, and nothing in the window keeps it.
import { useEffect, useRef, useState } from 'react';
import type { ClaveApi, OrchardStatus } from '../../../shared/api';
import type { Problem } from '../../../shared/session';
import { ProblemBox } from '../components/ProblemBox';
import { problemOf } from '../store/problem';
import '../components/orchard/orchard.css';

type Busy = 'checking' | 'connecting' | 'disconnecting';
const FAILED: Record<Busy, string> = {
  checking: 'Could not ask for the Orchard status',
  connecting: 'Could not connect',
  disconnecting: 'Could not disconnect',
};

function statusWords(st: OrchardStatus): string {
  if (!st.configured) return 'Not connected: sessions run on this Mac only.';
  const where = `${st.url ?? '?'} as ${st.serviceAccount ?? '?'}`;
  if (st.reachable === true) return `Connected to ${where}.`;
  if (st.reachable === false) return `Cannot reach ${where}.`;
  return `Set up for ${where} (not checked yet).`;
}

export function OrchardPanel({ api }: { api: ClaveApi }) {
  const [status, setStatus] = useState<OrchardStatus | null>(null);
  const [busy, setBusy] = useState<Busy | null>('checking');
  const [problem, setProblem] = useState<{ title: string; problem: Problem } | null>(null);
  const [url, setUrl] = useState('');
  const [account, setAccount] = useState('');
  const token = useRef<HTMLInputElement>(null);

  const show = (st: OrchardStatus) => {
    setStatus(st);
    setUrl((u) => u || st.url || '');
    setAccount((a) => a || st.serviceAccount || '');
  };
  const run = (what: Busy, call: () => Promise<OrchardStatus>) => {
    setBusy(what);
    setProblem(null);
    call().then(
      (st) => {
        show(st);
        setBusy(null);
      },
      (e: unknown) => {
        setProblem({ title: FAILED[what], problem: problemOf(e) });
        setBusy(null);
      },
    );
  };
  useEffect(() => {
    run('checking', () => api.call('orchard.status', { probe: true }));
    // Once per screen: it remounts on a new connection.
  }, [api]);

  const connect = () => {
    const secret = token.current?.value ?? '';
    if (token.current) token.current.value = '';
    if (!secret) {
      setProblem({
        title: FAILED.connecting,
        problem: { what: 'Enter the service account’s token' },
      });
      return;
    }
    run('connecting', () =>
      api.call('orchard.connect', {
        url: url.trim(),
        serviceAccount: account.trim(),
        token: secret,
      }),
    );
  };

  return (
    <section className="orchard-panel" aria-label="Orchard">
      <div className="doctor-header">
        <h2>Orchard</h2>
        <span className="dim" role="status" aria-label="Orchard status">
          {busy === 'checking' ? 'Checking…' : status ? statusWords(status) : ''}
        </span>
        {status?.configured && status.source === 'settings' && (
          <button
            type="button"
            disabled={busy !== null}
            onClick={() => run('disconnecting', () => api.call('orchard.disconnect', {}))}
          >
            Disconnect
          </button>
        )}
      </div>
      <p className="dim">
        Run sessions on the Apple Silicon workers of an Orchard controller instead of this Mac. The
        service account needs the roles compute:write and compute:connect; the token is kept in the
        secret store, never in settings.json.
      </p>
      {status?.source === 'env' && (
        <p className="dim">
          Taken from CLAVE_ORCHARD_URL and CLAVE_ORCHARD_ACCOUNT in Clave’s environment, which win
          over what is connected here.
        </p>
      )}
      {status?.problem && <ProblemBox problem={status.problem} title="Orchard cannot be used" />}
      <form
        aria-label="Connect to Orchard"
        onSubmit={(e) => {
          e.preventDefault();
          connect();
        }}
      >
        <label htmlFor="orchard-url">Controller URL</label>
        <input
          id="orchard-url"
          type="text"
          spellCheck={false}
          autoComplete="off"
          placeholder="http://127.0.0.1:6120/v1"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
        <label htmlFor="orchard-account">Service account</label>
        <input
          id="orchard-account"
          type="text"
          spellCheck={false}
          autoComplete="off"
          value={account}
          onChange={(e) => setAccount(e.target.value)}
        />
        <label htmlFor="orchard-token">Token</label>
        <input id="orchard-token" ref={token} type="password" autoComplete="off" />
        <div className="orchard-actions">
          <button type="submit" className="primary" disabled={busy !== null}>
            {busy === 'connecting' ? 'Connecting…' : 'Connect'}
          </button>
        </div>
      </form>
      {problem && <ProblemBox problem={problem.problem} title={problem.title} />}
    </section>
  );
}
