// One connection per VM: exec, sftp writes, and opening PTYs and tunnels on it.
import net from 'node:net';
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import { firstLine, tail } from '../errors';
import { channelExit, channelExits, signalChannel, TailBuffer } from './channels';
import { aborted, disconnected, SshError } from './errors';
import { sftpList, sftpRead, sftpWrite, stdinWriteCommand, type RemoteEntry } from './files';
import { PtyChannel, validSize } from './pty';
import { ReverseForwards, type ReverseForward, type ReverseTarget } from './reverse-forward';
import { Tunnel } from './tunnel';
import {
  DEFAULT_EXEC_TIMEOUT,
  DEFAULT_MAX_BUFFER,
  type ChannelExit,
  type ExecOptions,
  type ExecResult,
  type PtyOptions,
  type TunnelOptions,
} from './types';

const SFTP_NO_SUCH_FILE = 2;

/** sftp resolves relative paths from the VM user's home. */
const sftpPath = (p: string) => (p.startsWith('~/') ? p.slice(2) : p);

const sftpFailed = (what: string, error: unknown) =>
  new SshError({
    code: 'ssh.sftp-failed',
    what,
    why: (error as Error).message,
    fix: 'Check that the VM is running and the VM user may read there.',
    cause: error,
  });

/** One ssh connection to one VM; many channels. */
export class SshConnection {
  private isClosed = false;
  private closeReason: string | undefined;
  private readonly closeListeners = new Set<(reason: string | undefined) => void>();
  private sftpSession: Promise<SFTPWrapper> | undefined;
  private reverse: ReverseForwards | undefined;

  /** `user@host:port`, for messages. */
  readonly target: string;

  constructor(
    private readonly client: Client,
    target: string,
  ) {
    this.target = target;
    client.on('error', (error) => {
      this.closeReason ??= error.message;
    });
    client.on('close', () => {
      this.isClosed = true;
      this.sftpSession = undefined;
      for (const listener of [...this.closeListeners]) listener(this.closeReason);
      this.closeListeners.clear();
    });
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Called once when the connection ends (closed, keepalive timeout, VM gone). */
  onClose(listener: (reason: string | undefined) => void): () => void {
    if (this.isClosed) {
      queueMicrotask(() => listener(this.closeReason));
      return () => {};
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /**
   * Run a command (parsed by the guest user's shell: build it with shell-quote). Resolves with the
   * exit status whatever it is; use `run` to treat non-zero as an error.
   */
  async exec(cmd: string, options: ExecOptions = {}): Promise<ExecResult> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_EXEC_TIMEOUT;
    const maxBuffer = options.maxBufferBytes ?? DEFAULT_MAX_BUFFER;
    const started = Date.now();
    const channel = await this.openChannel('run a command', (cb) =>
      this.client.exec(cmd, options.env === undefined ? {} : { env: options.env }, cb),
    );
    return new Promise<ExecResult>((resolve, reject) => {
      const stdout = new TailBuffer(maxBuffer);
      const stderr = new TailBuffer(maxBuffer);
      let done = false;
      const finish = (error: SshError | null) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        unwatch();
        if (error !== null) {
          reject(error);
          return;
        }
        const exit = channelExit(channel);
        resolve({
          code: exit.code,
          signal: exit.signal,
          stdout: stdout.text(),
          stderr: stderr.text(),
          durationMs: Date.now() - started,
        });
      };
      const kill = () => {
        signalChannel(channel, 'KILL');
        channel.close();
      };
      const timer = setTimeout(() => {
        kill();
        finish(
          new SshError({
            code: 'ssh.exec-timeout',
            what: 'A command in the VM took too long',
            why: `It was stopped after ${Math.round(timeoutMs / 1000)} s.`,
            fix: 'Check the VM (is it overloaded or waiting for input?) and retry; long steps can be given more time in Settings.',
            detail: tail(`${stdout.text()}\n${stderr.text()}`),
          }),
        );
      }, timeoutMs);
      const onAbort = () => {
        kill();
        finish(aborted(this.target));
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const unwatch = this.onClose((reason) => finish(disconnected(this.target, reason)));
      channel.on('data', (chunk: Buffer) => {
        stdout.push(chunk);
        options.onStdout?.(chunk);
      });
      channel.stderr.on('data', (chunk: Buffer) => {
        stderr.push(chunk);
        options.onStderr?.(chunk);
      });
      channel.on('close', () => finish(null));
      if (options.stdin !== undefined) channel.end(options.stdin);
      else channel.end();
    });
  }

  /** `exec`, but a non-zero exit is an `ssh.command-failed` error naming `what`. */
  async run(cmd: string, what: string, options: ExecOptions = {}): Promise<ExecResult> {
    const result = await this.exec(cmd, options);
    if (result.code !== 0) {
      throw new SshError({
        code: 'ssh.command-failed',
        what,
        why:
          firstLine(result.stderr) ||
          firstLine(result.stdout) ||
          `The command exited with ${result.code ?? result.signal ?? 'unknown status'}.`,
        fix: 'See the details for the command output; fix the cause in the VM or recreate the session.',
        detail: tail(`${result.stdout}\n${result.stderr}`),
      });
    }
    return result;
  }

  /** A terminal: a PTY channel running `command` (or the login shell). */
  async openPty(options: PtyOptions): Promise<PtyChannel> {
    const size = validSize(options.cols, options.rows);
    const pty = {
      term: options.term ?? 'xterm-256color',
      cols: size.cols,
      rows: size.rows,
      width: 0,
      height: 0,
    };
    const env = options.env === undefined ? {} : { env: options.env };
    const channel = await this.openChannel('open a terminal', (cb) =>
      options.command === undefined
        ? this.client.shell(pty, env, cb)
        : this.client.exec(options.command, { ...env, pty }, cb),
    );
    return new PtyChannel(channel);
  }

  /**
   * Write a file in the guest, created with `mode` (default 0600) before any byte is written.
   * Uses sftp, or the stdin of `cat` when the server has no sftp subsystem; the content never
   * appears in a command line.
   */
  async writeFile(
    remotePath: string,
    data: string | Buffer,
    options: { mode?: number; via?: 'sftp' | 'stdin'; timeoutMs?: number } = {},
  ): Promise<void> {
    if (!remotePath.startsWith('/') && !remotePath.startsWith('~/')) {
      throw new SshError({
        code: 'ssh.invalid-input',
        what: 'Cannot write a file in the VM',
        why: `"${remotePath}" is not an absolute or ~/ path.`,
        fix: 'This is a bug in the caller; report it.',
      });
    }
    const mode = options.mode ?? 0o600;
    const body = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (options.via !== 'stdin') {
      const sftp = await this.sftp().catch((error: unknown) => {
        if (options.via === 'sftp') throw error;
        return null;
      });
      if (sftp !== null) {
        const resolved = remotePath.startsWith('~/') ? remotePath.slice(2) : remotePath;
        await sftpWrite(sftp, resolved, body, mode).catch((error: unknown) => {
          throw new SshError({
            code: 'ssh.sftp-failed',
            what: `Could not write ${remotePath} in the VM`,
            why: (error as Error).message,
            fix: 'Check that the folder exists and the VM user may write there.',
            cause: error,
          });
        });
        return;
      }
    }
    await this.run(stdinWriteCommand(remotePath, mode), `Could not write ${remotePath} in the VM`, {
      stdin: body,
      timeoutMs: options.timeoutMs ?? DEFAULT_EXEC_TIMEOUT,
    });
  }

  /** A guest folder's entries (symlinks reported as 'other', never followed); null if none. */
  async listDir(remotePath: string): Promise<RemoteEntry[] | null> {
    const sftp = await this.sftp();
    return sftpList(sftp, sftpPath(remotePath)).catch((error: { code?: number }) => {
      if (error.code === SFTP_NO_SUCH_FILE) return null;
      throw sftpFailed(`Could not list ${remotePath} in the VM`, error);
    });
  }

  /** A guest file's bytes, refused beyond `maxBytes`. */
  async readFile(remotePath: string, maxBytes: number): Promise<Buffer> {
    const sftp = await this.sftp();
    return sftpRead(sftp, sftpPath(remotePath), maxBytes).catch((error: unknown) => {
      throw sftpFailed(`Could not read ${remotePath} in the VM`, error);
    });
  }

  /**
   * A local TCP listener on 127.0.0.1 whose connections are forwarded through this connection to
   * `remoteHost:remotePort` as seen from the guest (default 127.0.0.1:80, the VM's web server).
   */
  async openTunnel(options: TunnelOptions = {}): Promise<Tunnel> {
    const server = options.server ?? net.createServer();
    if (!server.listening) {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(
          { host: options.localHost ?? '127.0.0.1', port: options.localPort ?? 0 },
          () => {
            server.off('error', reject);
            resolve();
          },
        );
      }).catch((error: unknown) => {
        throw new SshError({
          code: 'ssh.tunnel-failed',
          what: 'Could not open the local end of the tunnel',
          why: (error as Error).message,
          fix: 'Pick another port, or stop what is using it.',
          cause: error,
        });
      });
    }
    return new Tunnel(server, this, options.remoteHost ?? '127.0.0.1', options.remotePort ?? 80);
  }

  /**
   * `ssh -R`: `guestPort` on the guest's loopback (`guestHost`: 127.0.0.1 or ::1), each
   * connection to it piped to `target` on this machine. Fails (`ssh.tunnel-failed`) when the
   * guest cannot listen there.
   */
  forwardIn(
    guestPort: number,
    target: ReverseTarget,
    guestHost: '127.0.0.1' | '::1' = '127.0.0.1',
  ): Promise<ReverseForward> {
    if (this.isClosed) return Promise.reject(disconnected(this.target, this.closeReason));
    this.reverse ??= new ReverseForwards(this.client, this.target, () => this.isClosed);
    return this.reverse.add(guestHost, guestPort, target);
  }

  /** @internal Used by Tunnel: one forwarded TCP channel. */
  forward(
    srcIP: string,
    srcPort: number,
    dstHost: string,
    dstPort: number,
  ): Promise<ClientChannel> {
    return this.openChannel(`forward to ${dstHost}:${dstPort}`, (cb) =>
      this.client.forwardOut(srcIP, srcPort, dstHost, dstPort, cb),
    );
  }

  /** Close the connection and every channel on it. */
  close(): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    return new Promise((resolve) => {
      this.onClose(() => resolve());
      this.closeReason ??= 'closed by Clave';
      this.client.end();
      // If the server does not answer the disconnect, drop the socket.
      setTimeout(() => this.client.destroy(), 2000).unref();
    });
  }

  private sftp(): Promise<SFTPWrapper> {
    this.sftpSession ??= this.openSftp();
    const session = this.sftpSession;
    session.catch(() => {
      if (this.sftpSession === session) this.sftpSession = undefined;
    });
    return session;
  }

  private openSftp(): Promise<SFTPWrapper> {
    if (this.isClosed) return Promise.reject(disconnected(this.target, this.closeReason));
    return new Promise((resolve, reject) => {
      this.client.sftp((error, sftp) => {
        if (error) {
          reject(
            new SshError({
              code: 'ssh.sftp-failed',
              what: 'Could not open sftp in the VM',
              why: error.message,
              fix: 'Enable the sftp subsystem in the VM image, or write files with via: "stdin".',
              cause: error,
            }),
          );
          return;
        }
        sftp.on('close', () => {
          if (this.sftpSession !== undefined) this.sftpSession = undefined;
        });
        resolve(sftp);
      });
    });
  }

  private openChannel(
    purpose: string,
    open: (cb: (error: Error | undefined, channel: ClientChannel) => void) => void,
  ): Promise<ClientChannel> {
    if (this.isClosed) return Promise.reject(disconnected(this.target, this.closeReason));
    return new Promise((resolve, reject) => {
      try {
        open((error, channel) => {
          if (error) {
            reject(
              this.isClosed
                ? disconnected(this.target, this.closeReason)
                : new SshError({
                    code: 'ssh.channel-failed',
                    what: `Could not ${purpose} in the VM`,
                    why: error.message,
                    fix: 'Close terminals you no longer need (sshd allows about 10 at once per VM) and retry.',
                    cause: error,
                  }),
            );
            return;
          }
          // ssh2 may parse a fast command's whole reply (success, data, exit-status, close) in one
          // go, emitting 'exit' before the caller's continuation runs: record it right here.
          const exit: ChannelExit = { code: null, signal: null };
          channelExits.set(channel, exit);
          channel.on('exit', (code: number | null, signal?: string) => {
            exit.code = typeof code === 'number' ? code : null;
            exit.signal = signal ?? null;
          });
          resolve(channel);
        });
      } catch (error) {
        reject(disconnected(this.target, (error as Error).message));
      }
    });
  }
}
