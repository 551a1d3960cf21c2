// Driving the Claude in a VM from a test, the way a person at its terminal would: type into its
// tmux pane, read the screen, and wait for the hook events the simulated Claude emits (it
// records each in ~/.claude-sim/events.jsonl, whether or not a hook is configured). Works over
// anything that runs a shell command as the VM user: an ssh2 connection, `clave exec <id> --`.
import { command } from '../../../electron/core/host/shell-quote';
import { eventRecord } from './claude/hooks';

/** Runs `cmd` in the VM as the VM user and resolves with its stdout; rejects when it fails. */
export type VmShell = (cmd: string) => Promise<string>;

/** One hook event as the simulated Claude recorded it: when, which, and the hook's stdin JSON. */
export interface SimClaudeEvent {
  t: number;
  event: string;
  payload: Record<string, unknown>;
}

export interface ClaudeDriver {
  /** Types a line (as one burst) and then, on its own, Enter. */
  type(text: string): Promise<void>;
  /** tmux key names or literal keys: `['Enter']`, `['Escape']`, `['1']`, `['Down']`. */
  keys(keys: string[]): Promise<void>;
  screen(): Promise<string>;
  waitScreen(re: RegExp, timeoutMs?: number): Promise<string>;
  /** Every event recorded so far (the simulated Claude only). */
  events(): Promise<SimClaudeEvent[]>;
  /** How many events are recorded now: pass it as `after` to wait only for later ones. */
  mark(): Promise<number>;
  /** The first recorded event (from index `after` on) named `event` that passes `pred`. */
  waitEvent(
    event: string,
    opts?: { after?: number; timeoutMs?: number; pred?: (e: SimClaudeEvent) => boolean },
  ): Promise<SimClaudeEvent>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Calls `fn` every 200 ms until it returns a value; throws with `what()` after `timeoutMs`. */
export async function poll<T>(
  fn: () => Promise<T | undefined>,
  timeoutMs: number,
  what: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    }
    await sleep(200);
  }
}

/** `session` is the agent's tmux session (Clave's is `claude`). */
export function claudeDriver(sh: VmShell, session = 'claude'): ClaudeDriver {
  let lastScreen = '';
  // `-S -`: all of the pane's history, so a long conversation's start is still there.
  const screen = () => sh(command(['tmux', 'capture-pane', '-p', '-J', '-S', '-', '-t', session]));
  const record = eventRecord('"$HOME"');
  const events = async (): Promise<SimClaudeEvent[]> =>
    (await sh(`cat ${record} 2>/dev/null || true`))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as SimClaudeEvent);
  return {
    async type(text) {
      await sh(command(['tmux', 'send-keys', '-t', session, '-l', text]));
      await sleep(300); // a TUI takes a pasted burst as typing; Enter must come on its own
      await sh(command(['tmux', 'send-keys', '-t', session, 'Enter']));
    },
    keys: async (keys) => {
      await sh(command(['tmux', 'send-keys', '-t', session, ...keys]));
    },
    screen,
    waitScreen: (re, timeoutMs = 20_000) =>
      poll(
        async () => {
          lastScreen = await screen().catch(() => lastScreen);
          return re.test(lastScreen) ? lastScreen : undefined;
        },
        timeoutMs,
        () => `${re} on the screen:\n${lastScreen}`,
      ),
    events,
    mark: async () => (await events()).length,
    async waitEvent(event, opts = {}) {
      let seen: SimClaudeEvent[] = [];
      return poll(
        async () => {
          seen = (await events()).slice(opts.after ?? 0);
          return seen.find((e) => e.event === event && (opts.pred?.(e) ?? true));
        },
        opts.timeoutMs ?? 20_000,
        () => `the ${event} hook event; recorded: ${seen.map((e) => e.event).join(', ')}`,
      );
    },
  };
}
