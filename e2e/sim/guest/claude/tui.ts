// Terminal primitives of the simulated Claude: raw keys, numbered menus, a line editor.
export const ORANGE = '\x1b[38;5;174m';
export const DIM = '\x1b[2m';
export const BOLD = '\x1b[1m';
export const RESET = '\x1b[0m';

export const w = (s: string): void => {
  process.stdout.write(s.replace(/\r?\n/g, '\r\n'));
};

const keys: string[] = [];
let keyWaiter: ((k: string) => void) | undefined;
/** Called on every key press (the idle timer restarts on input). */
let onKey: (() => void) | undefined;

export function startKeys(listener?: () => void): void {
  onKey = listener;
  process.stdin.setRawMode(true);
  process.stdin.resume();
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    // eslint-disable-next-line no-control-regex -- splitting terminal escape sequences
    const re = /\x1b\[[0-9;]*[A-Za-z~]|\x1b.|[\s\S]/g;
    for (const k of chunk.match(re) ?? []) {
      onKey?.();
      if (keyWaiter) {
        const f = keyWaiter;
        keyWaiter = undefined;
        f(k);
      } else keys.push(k);
    }
  });
}

export const key = (): Promise<string> => {
  const k = keys.shift();
  return k !== undefined ? Promise.resolve(k) : new Promise((r) => (keyWaiter = r));
};

export function bye(code: number): never {
  w(RESET + '\n');
  if (process.stdin.isTTY) process.stdin.setRawMode(false);
  process.exit(code);
}

/** A numbered menu: digits pick, arrows move, Enter confirms, Esc/Ctrl-C cancel (returns -1). */
export async function menu(title: string, options: string[], initial = 0): Promise<number> {
  let sel = initial;
  const draw = () =>
    options.map((o, i) => `${i === sel ? `${ORANGE}❯` : ' '} ${i + 1}. ${o}${RESET}`).join('\n');
  w(`${title}\n\n${draw()}\n\n${DIM}Enter to confirm · Esc to exit${RESET}\n`);
  for (;;) {
    const k = await key();
    if (k === '\r' || k === '\n') return sel;
    if (k === '\x1b' || k === '\x03') return -1;
    if (k === '\x1b[A') sel = Math.max(0, sel - 1);
    else if (k === '\x1b[B') sel = Math.min(options.length - 1, sel + 1);
    else if (/^[1-9]$/.test(k) && Number(k) <= options.length) return Number(k) - 1;
  }
}

export async function stall(text: string): Promise<never> {
  w(text);
  for (;;) {
    const k = await key();
    if (k === '\x03') bye(1);
  }
}

let ctrlC = 0;
/** One line of input; undefined when the user quits with Ctrl-C twice or Ctrl-D. */
export async function readLine(): Promise<string | undefined> {
  w(`\n${DIM}>${RESET} `);
  let buf = '';
  for (;;) {
    const k = await key();
    if (k === '\r' || k === '\n') {
      w('\n');
      ctrlC = 0;
      return buf;
    }
    if (k === '\x03') {
      if (buf) {
        buf = '';
        w('\n> ');
        continue;
      }
      if (++ctrlC >= 2) return undefined;
      w(`\n${DIM}Press Ctrl-C again to exit${RESET}\n> `);
      continue;
    }
    if (k === '\x04' && !buf) return undefined;
    if (k === '\x7f' || k === '\b') {
      if (buf) {
        buf = buf.slice(0, -1);
        w('\b \b');
      }
      continue;
    }
    if (k.startsWith('\x1b')) continue;
    buf += k;
    w(k);
  }
}
