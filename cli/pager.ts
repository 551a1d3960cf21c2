// Long output goes through a pager when a person reads it, as git does: `$PAGER` (a command line,
// run by the shell as git runs it), else `less -FRX` (quits at once when it fits the screen);
// straight to stdout when stdout is not a terminal. A pager quit early ends the writing quietly.
import { spawn } from 'node:child_process';

export interface Output {
  /** False once the reader went away (the pager was quit): stop producing. */
  write(text: string): boolean;
  end(): Promise<void>;
}

export function openOutput(): Output {
  const pager = process.env.PAGER;
  if (!process.stdout.isTTY || pager === 'cat' || pager === '') return direct();
  const child =
    pager === undefined
      ? spawn('less', ['-FRX'], { stdio: ['pipe', 'inherit', 'inherit'] })
      : spawn('sh', ['-c', pager], { stdio: ['pipe', 'inherit', 'inherit'] });
  let open = true;
  const exited = new Promise<void>((resolve) => {
    child.once('close', () => resolve());
    child.once('error', () => resolve());
  });
  child.once('error', () => (open = false));
  child.stdin.on('error', () => (open = false));
  return {
    write(text) {
      if (open) child.stdin.write(text);
      return open;
    },
    async end() {
      child.stdin.end();
      await exited;
    },
  };
}

function direct(): Output {
  return {
    write: (text) => (process.stdout.write(text), true),
    end: () => new Promise((resolve) => process.stdout.write('', () => resolve())),
  };
}
