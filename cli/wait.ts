// `clave wait <id> [--until idle|needs-input|exited] [--timeout S]`: blocks until the session's
// agent reaches the state (exit 0), gives up after the timeout (124, as timeout(1) does), and
// fails with what/why/fix when the state can no longer come (the agent exited, the turn failed,
// the session ended) — a script never waits forever on an agent that is gone.
import type { ClaveApi } from '../shared/api';
import type { AgentState, Problem, SessionSummary } from '../shared/session';
import type { WaitUntil } from './args';

export const TIMEOUT_EXIT = 124;

const STOPPED: readonly AgentState[] = ['idle', 'needs-input', 'error', 'exited'];
const RUNS = new Set<SessionSummary['state']>(['starting', 'running']);

export type Verdict = { done: true } | { done: false; problem: Problem | null };

/** Whether `s` is what was waited for, still may become it, or never will. */
export function verdict(until: WaitUntil, s: SessionSummary): Verdict {
  const agent = s.agent?.state ?? null;
  const wanted = until === 'stops' ? STOPPED : [until];
  if (agent && wanted.includes(agent)) return { done: true };
  if (!RUNS.has(s.state)) {
    if (until === 'exited') return { done: true }; // no session, no agent
    return {
      done: false,
      problem: {
        what: `Session ${s.id} is ${s.state}`,
        why: `Its agent no longer runs, so it will not become ${until}.`,
        fix: 'See `clave sessions`.',
      },
    };
  }
  if (agent === 'exited')
    return {
      done: false,
      problem: {
        what: `The agent of session ${s.id} exited`,
        why: s.agent?.detail ? `Claude ended (${s.agent.detail}).` : 'Claude ended.',
        fix: `Stop the session: clave stop ${s.id}`,
      },
    };
  if (agent === 'error' && until === 'idle')
    return {
      done: false,
      problem: {
        what: `The agent's turn in session ${s.id} failed`,
        why: s.agent?.detail ?? 'Claude stopped on an API error.',
        fix: `Look at it (clave attach ${s.id}) and send the message again.`,
      },
    };
  return { done: false, problem: null };
}

export async function waitCommand(
  api: ClaveApi,
  cmd: { id: string; until: WaitUntil; timeoutSeconds: number | null },
  out: { done(s: SessionSummary): void; problem(p: Problem): void },
): Promise<number> {
  let settle: (code: number) => void = () => {};
  const finished = new Promise<number>((resolve) => (settle = resolve));
  let last: SessionSummary | null = null;
  let settled = false;
  const judge = (s: SessionSummary) => {
    if (settled) return;
    last = s;
    const v = verdict(cmd.until, s);
    settled = v.done || v.problem !== null;
    if (v.done) {
      out.done(s);
      settle(0);
    } else if (v.problem) {
      out.problem(v.problem);
      settle(1);
    }
  };
  // Listen first: a change between the look and the listening is never missed.
  const off = api.on('session.updated', (s) => {
    if (s.id === cmd.id) judge(s);
  });
  const timer =
    cmd.timeoutSeconds === null
      ? null
      : setTimeout(() => {
          settled = true;
          const now = (last as SessionSummary | null)?.agent?.state ?? 'unknown';
          out.problem({
            what: `Timed out after ${cmd.timeoutSeconds} s`,
            why: `The agent of session ${cmd.id} is ${now}, not ${cmd.until === 'stops' ? 'stopped' : cmd.until}.`,
            fix: 'Wait longer (--timeout), or look at it: clave attach ' + cmd.id,
          });
          settle(TIMEOUT_EXIT);
        }, cmd.timeoutSeconds * 1000);
  try {
    judge(await api.call('sessions.get', { id: cmd.id }));
    return await finished;
  } finally {
    off();
    if (timer) clearTimeout(timer);
  }
}
