// ssh2 helpers for tests of the simulated host: log in as the image user, run commands, drive a PTY.
import { Client, type ClientChannel } from 'ssh2';
import { GUEST_PASSWORD, GUEST_USER } from './tart/image';
import { sleep } from './util/proc';

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export async function sshConnect(
  host: string,
  opts: { timeoutMs?: number; password?: string } = {},
): Promise<Client> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      return await new Promise<Client>((resolve, reject) => {
        const c = new Client();
        c.once('ready', () => resolve(c));
        c.once('error', reject);
        c.connect({
          host,
          port: 22,
          username: GUEST_USER,
          password: opts.password ?? GUEST_PASSWORD,
          readyTimeout: 5000,
        });
      });
    } catch (e) {
      last = e;
      // sshd comes up a little after the IP: retry refused connections.
      if ((e as { level?: string }).level === 'client-authentication') throw e;
      await sleep(100);
    }
  }
  throw new Error(`ssh to ${host} failed: ${(last as Error)?.message ?? last}`);
}

export function sshExec(c: Client, command: string): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    c.exec(command, (err, stream) => {
      if (err) return reject(err);
      let stdout = '';
      let stderr = '';
      stream.on('data', (d: Buffer) => (stdout += d.toString()));
      stream.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      stream.on('close', (code: number | null) => resolve({ code, stdout, stderr }));
    });
  });
}

/** A PTY session: write keys, wait for output. */
export class PtySession {
  output = '';
  exitCode: number | null | undefined;
  private constructor(readonly stream: ClientChannel) {
    stream.on('data', (d: Buffer) => (this.output += d.toString()));
    stream.on('exit', (code: number | null) => (this.exitCode = code));
  }

  static open(c: Client, command: string, cols = 100, rows = 30): Promise<PtySession> {
    return new Promise((resolve, reject) => {
      c.exec(command, { pty: { term: 'xterm-256color', cols, rows } }, (err, stream) =>
        err ? reject(err) : resolve(new PtySession(stream)),
      );
    });
  }

  /** Output without ANSI colour/style sequences. */
  get text(): string {
    // eslint-disable-next-line no-control-regex -- stripping terminal escape sequences
    return this.output.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
  }

  write(keys: string): void {
    this.stream.write(keys);
  }

  async waitFor(pattern: string | RegExp, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const hit = () =>
      typeof pattern === 'string' ? this.text.includes(pattern) : pattern.test(this.text);
    while (!hit()) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${String(pattern)}; got:\n${this.text}`);
      await sleep(25);
    }
  }

  async waitExit(timeoutMs = 10_000): Promise<number | null> {
    const deadline = Date.now() + timeoutMs;
    while (this.exitCode === undefined) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for exit; got:\n${this.text}`);
      await sleep(25);
    }
    return this.exitCode;
  }
}
