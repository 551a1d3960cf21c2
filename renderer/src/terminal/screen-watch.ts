// Tells when an agent's screen shows something new, for the unread mark of a session that is not
// on screen. Raw output is not news: tmux redraws the whole screen on every attach (and after a
// reconnection), and its status line (the bottom row) redraws its clock every minute. So the
// screen above that row is compared with what it was, once the attach redraw has settled.
import type { Terminal } from '@xterm/xterm';

export interface ScreenWatchOptions {
  /** How long after an attach the redraw may take: changes until then are the baseline. */
  settleMs?: number;
  /** At most one comparison per this many ms while output streams. */
  throttleMs?: number;
}

export interface ScreenWatch {
  /** A terminal was (re)attached: its redraw is coming. */
  attached(): void;
  /** Output was rendered. */
  rendered(): void;
  dispose(): void;
}

/** The screen's rows except the last (tmux's status line), trailing blanks trimmed. */
export function screenAboveStatusLine(term: Terminal): string {
  const buffer = term.buffer.active;
  const rows: string[] = [];
  for (let y = 0; y < term.rows - 1; y++) {
    rows.push(buffer.getLine(buffer.baseY + y)?.translateToString(true) ?? '');
  }
  return rows.join('\n');
}

export function watchScreen(
  read: () => string,
  onChange: () => void,
  { settleMs = 1500, throttleMs = 250 }: ScreenWatchOptions = {},
): ScreenWatch {
  let attachedAt = Date.now();
  let baseline = read();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pending = false;
  const compare = () => {
    const now = read();
    if (now === baseline) return;
    baseline = now;
    if (Date.now() - attachedAt >= settleMs) onChange();
  };
  // The first output after a quiet spell is compared at once, so it counts for the session
  // on screen when it came; a stream is compared again at most every throttleMs.
  const rendered = () => {
    if (timer) {
      pending = true;
      return;
    }
    compare();
    timer = setTimeout(() => {
      timer = null;
      if (pending) {
        pending = false;
        rendered();
      }
    }, throttleMs);
  };
  return {
    attached() {
      attachedAt = Date.now();
    },
    rendered,
    dispose() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
