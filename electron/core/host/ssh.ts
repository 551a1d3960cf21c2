import net from 'node:net';
import { Client, type ClientChannel, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import { z } from 'zod';
import { HostError, firstLine, tail } from './errors';
import { isLocalNetworkRefusal, localNetworkProblem } from './local-network';
import { command, quote } from './shell-quote';

/**
 * The ssh adapter: ssh2 in-process, no `ssh` child processes and no askpass. One `SshConnection`
 * per VM carries every channel: commands, terminals (PTY), file writes (sftp) and the tunnel
 * (`forwardOut`). Secrets reach the guest as files (sftp, or a command's stdin), never on a
 * command line, where any guest user could read them with `ps`.
 *
 * OpenSSH limits concurrent *session* channels (exec, shell, sftp) per connection with
 * `MaxSessions` (default 10); tunnel connections do not count against it.
 */

export type SshErrorCode =
  | 'ssh.invalid-input'
  | 'ssh.connect-timeout'
  | 'ssh.local-network-refused'
  | 'ssh.auth-failed'
  | 'ssh.disconnected'
  | 'ssh.channel-failed'
  | 'ssh.exec-timeout'
  | 'ssh.command-failed'
  | 'ssh.sftp-failed'
  | 'ssh.tunnel-failed'
  | 'ssh.aborted';

export class SshError extends HostError<SshErrorCode> {}

export const SshConnectOptionsSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(22),
  username: z.string().min(1).default('admin'),
  /** Defaults to `admin` when no private key is given either. */
  password: z.string().optional(),
  privateKey: z.union([z.string(), z.instanceof(Buffer)]).optional(),
  passphrase: z.string().optional(),
  /** Keep trying until this much time has passed (the IP appears before sshd is up). */
  deadlineMs: z.number().int().positive().default(90_000),
  /** Time allowed for one attempt's TCP connect + handshake + auth. */
  attemptTimeoutMs: z.number().int().positive().default(10_000),
  retryDelayMs: z.number().int().nonnegative().default(1_000),
  keepaliveIntervalMs: z.number().int().nonnegative().default(10_000),
  keepaliveCountMax: z.number().int().positive().default(3),
});

export type SshConnectOptions = z.input<typeof SshConnectOptionsSchema> & {
  /** Return false to reject the server's host key. Throwaway VMs: accept by default. */
  hostVerifier?: (key: Buffer) => boolean;
  signal?: AbortSignal;
  /** Called after each failed attempt, e.g. for a progress hint. */
  onAttemptFailed?: (attempt: number, error: Error) => void;
};

export interface ExecOptions {
  /** Kill the command and fail with `ssh.exec-timeout` after this long. Default 60 s. */
  timeoutMs?: number;
  /** Written to the command's stdin, then stdin is closed (EOF). */
  stdin?: string | Buffer;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  /** Sent as ssh `env` requests; sshd drops names its `AcceptEnv` does not list. */
  env?: Record<string, string>;
  signal?: AbortSignal;
  /** Keep at most this many bytes of each output stream in the result (the tail). Default 4 MiB. */
  maxBufferBytes?: number;
}

export interface ExecResult {
  /** Exit status, or null when the command died from a signal. */
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface PtyOptions {
  /** Command to run in the PTY; the user's login shell when omitted. */
  command?: string;
  term?: string;
  cols: number;
  rows: number;
  env?: Record<string, string>;
}

export interface ChannelExit {
  code: number | null;
  signal: string | null;
}

export interface TunnelOptions {
  /** Where the guest should connect, as seen from the guest. Default 127.0.0.1:80. */
  remoteHost?: string;
  remotePort?: number;
  /**
   * An already listening server to take over (a `PortLease.server`: the port stays held, with no
   * gap). When omitted, a new server listens on `localHost:localPort`.
   */
  server?: net.Server;
  localHost?: string;
  /** 0 lets the OS choose. */
  localPort?: number;
}

const DEFAULT_EXEC_TIMEOUT = 60_000;
const DEFAULT_PASSWORD = 'admin';
const DEFAULT_MAX_BUFFER = 4 * 1024 * 1024;

/** Open one connection to a VM, retrying until the deadline. */
export async function connectSsh(options: SshConnectOptions): Promise<SshConnection> {
  const parsed = SshConnectOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new SshError({
      code: 'ssh.invalid-input',
      what: 'Invalid ssh settings',
      why: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      fix: 'Check the VM login settings (user, password, key).',
    });
  }
  const o = parsed.data;
  // The Cirrus Labs Ubuntu images log in with admin/admin; a key alone means key auth only.
  if (o.password === undefined && o.privateKey === undefined) o.password = DEFAULT_PASSWORD;
  const target = `${o.username}@${o.host}:${o.port}`;
  const started = Date.now();
  const deadline = started + o.deadlineMs;
  let attempt = 0;
  let lastError: Error | undefined;
  for (;;) {
    if (isAborted(options.signal)) throw aborted(target);
    attempt++;
    const remaining = deadline - Date.now();
    try {
      const client = await attemptConnect(
        o,
        options,
        Math.max(1000, Math.min(o.attemptTimeoutMs, remaining)),
      );
      return new SshConnection(client, target);
    } catch (error) {
      lastError = error as Error;
      options.onAttemptFailed?.(attempt, lastError);
    }
    const wait = Math.min(o.retryDelayMs, deadline - Date.now());
    if (wait <= 0 || Date.now() + wait >= deadline) break;
    await delay(wait, options.signal);
  }
  if (isAborted(options.signal)) throw aborted(target);
  const seconds = Math.round((Date.now() - started) / 1000);
  if (isAuthFailure(lastError)) {
    throw new SshError({
      code: 'ssh.auth-failed',
      what: `Could not log in to the VM at ${o.host}`,
      why: `The VM rejected ${o.username}'s ${o.privateKey === undefined ? 'password' : 'key'} (${attempt} attempt(s) in ${seconds} s).`,
      fix: 'Check the VM user and password in Settings (the Cirrus Labs Ubuntu image uses admin/admin).',
      detail: lastError?.message,
    });
  }
  // Retried to the deadline all the same: the person may be answering macOS's prompt right now.
  if (isLocalNetworkRefusal(lastError)) {
    const code = (lastError as NodeJS.ErrnoException).code;
    throw new SshError({
      code: 'ssh.local-network-refused',
      ...localNetworkProblem(o.host, code),
      detail: `${attempt} attempt(s) in ${seconds} s; last error: ${lastError?.message ?? ''}`,
    });
  }
  throw new SshError({
    code: 'ssh.connect-timeout',
    what: `The VM at ${o.host} did not accept ssh connections`,
    why: `No ssh session after ${attempt} attempt(s) in ${seconds} s; last error: ${lastError?.message ?? 'none'}.`,
    fix: 'The VM may still be booting or sshd may have failed: wait and retry, or open the VM log. If it keeps happening, recreate the base VM.',
    detail: lastError?.message,
  });
}

function attemptConnect(
  o: z.output<typeof SshConnectOptionsSchema>,
  options: SshConnectOptions,
  readyTimeout: number,
): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let settled = false;
    const finish = (error: Error | null) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      if (error === null) {
        resolve(client);
      } else {
        client.removeAllListeners('ready');
        client.on('error', () => {});
        client.end();
        client.destroy();
        reject(error);
      }
    };
    const onAbort = () => finish(new Error('aborted'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    client.once('ready', () => finish(null));
    client.once('error', (error) => finish(error));
    client.once('close', () => finish(new Error('connection closed before login completed')));
    client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finishKbd) => {
      finishKbd(prompts.map(() => o.password ?? ''));
    });
    const config: ConnectConfig = {
      host: o.host,
      port: o.port,
      username: o.username,
      readyTimeout,
      keepaliveInterval: o.keepaliveIntervalMs,
      keepaliveCountMax: o.keepaliveCountMax,
      tryKeyboard: o.password !== undefined,
      hostVerifier: options.hostVerifier ?? (() => true),
      ...(o.password === undefined ? {} : { password: o.password }),
      ...(o.privateKey === undefined ? {} : { privateKey: o.privateKey }),
      ...(o.passphrase === undefined ? {} : { passphrase: o.passphrase }),
    };
    try {
      client.connect(config);
    } catch (error) {
      finish(error as Error);
    }
  });
}

function isAuthFailure(error: Error | undefined): boolean {
  if (error === undefined) return false;
  const level = (error as Error & { level?: string }).level;
  return level === 'client-authentication' || /authentication methods failed/i.test(error.message);
}

/** One ssh connection to one VM; many channels. */
export class SshConnection {
  private isClosed = false;
  private closeReason: string | undefined;
  private readonly closeListeners = new Set<(reason: string | undefined) => void>();
  private sftpSession: Promise<SFTPWrapper> | undefined;

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

const channelExits = new WeakMap<ClientChannel, ChannelExit>();

/** How a channel opened by this adapter ended (complete once it has emitted 'close'). */
export function channelExit(channel: ClientChannel): ChannelExit {
  return channelExits.get(channel) ?? { code: null, signal: null };
}

/** A PTY channel: a terminal in the VM. `channel` is the raw duplex for piping. */
export class PtyChannel {
  readonly exited: Promise<ChannelExit>;

  constructor(readonly channel: ClientChannel) {
    this.exited = new Promise((resolve) =>
      channel.once('close', () => resolve(channelExit(channel))),
    );
    // stderr is merged into the PTY by the server; drain it anyway so it never blocks.
    channel.stderr.on('data', () => {});
  }

  onData(listener: (chunk: Buffer) => void): () => void {
    this.channel.on('data', listener);
    return () => this.channel.off('data', listener);
  }

  /** Returns false when the channel's buffer is full (wait for 'drain'). */
  write(data: string | Buffer): boolean {
    return this.channel.write(data);
  }

  resize(cols: number, rows: number): void {
    const size = validSize(cols, rows);
    this.channel.setWindow(size.rows, size.cols, 0, 0);
  }

  /** Flow control: stop reading from the VM until `resume` (ssh window fills, the VM waits). */
  pause(): void {
    this.channel.pause();
  }

  resume(): void {
    this.channel.resume();
  }

  close(): void {
    this.channel.close();
  }
}

/** A local listener forwarding every connection into the VM. */
export class Tunnel {
  readonly localHost: string;
  readonly localPort: number;
  private readonly sockets = new Set<net.Socket>();
  private readonly channels = new Set<ClientChannel>();
  private connection: SshConnection | null;
  private closing: Promise<void> | undefined;
  private lastError: string | undefined;

  constructor(
    private readonly server: net.Server,
    connection: SshConnection,
    readonly remoteHost: string,
    readonly remotePort: number,
  ) {
    const address = server.address();
    if (address === null || typeof address === 'string') {
      throw new SshError({
        code: 'ssh.tunnel-failed',
        what: 'The tunnel needs a TCP listener',
        why: 'The given server is not listening on a TCP port.',
        fix: 'This is a bug in the caller; report it.',
      });
    }
    this.localHost = address.address;
    this.localPort = address.port;
    this.connection = connection;
    server.on('connection', (socket) => this.accept(socket));
  }

  /** `http://127.0.0.1:<port>`: where the VM's site is reachable on this machine. */
  get url(): string {
    const host = this.localHost.includes(':') ? `[${this.localHost}]` : this.localHost;
    return `http://${host}:${this.localPort}`;
  }

  get activeConnections(): number {
    return this.sockets.size;
  }

  /** The last forwarding error (e.g. nothing listening in the VM), for diagnostics. */
  get lastForwardError(): string | undefined {
    return this.lastError;
  }

  /** Point the tunnel at a new connection after a reconnect; the local port stays the same. */
  useConnection(connection: SshConnection): void {
    this.connection = connection;
  }

  /** Stop listening, drop every forwarded connection, free the port. Idempotent. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      for (const socket of this.sockets) socket.destroy();
      for (const channel of this.channels) channel.close();
      if (!this.server.listening) {
        resolve();
        return;
      }
      this.server.close(() => resolve());
    });
    return this.closing;
  }

  private accept(socket: net.Socket): void {
    const connection = this.connection;
    if (this.closing !== undefined || connection === null || connection.closed) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.pause();
    connection
      .forward(
        socket.remoteAddress ?? '127.0.0.1',
        socket.remotePort ?? 0,
        this.remoteHost,
        this.remotePort,
      )
      .then(
        (channel) => {
          if (socket.destroyed || this.closing !== undefined) {
            channel.close();
            return;
          }
          this.channels.add(channel);
          channel.once('close', () => {
            this.channels.delete(channel);
            socket.destroy();
          });
          channel.on('error', () => socket.destroy());
          socket.once('close', () => channel.close());
          socket.pipe(channel);
          channel.pipe(socket);
          socket.resume();
        },
        (error: unknown) => {
          this.lastError = (error as Error).message;
          socket.destroy();
        },
      );
  }
}

/**
 * Send a signal request (OpenSSH delivers it with killpg to the command's process group).
 * ssh2's public `channel.signal()` silently drops it once our side has sent EOF (stdin closed),
 * which is the normal state of an exec channel, so the request goes through the channel's
 * protocol object when that is available. The exec timeout test checks the command really dies.
 */
function signalChannel(channel: ClientChannel, name: string): void {
  const internals = channel as unknown as {
    outgoing?: { id?: number; state?: string };
    _client?: { _protocol?: { signal?: (id: number, signal: string) => void } };
  };
  const id = internals.outgoing?.id;
  const protocol = internals._client?._protocol;
  try {
    const state = internals.outgoing?.state;
    if (
      (state === 'open' || state === 'eof') &&
      id !== undefined &&
      typeof protocol?.signal === 'function'
    ) {
      protocol.signal(id, name);
    } else {
      channel.signal(name);
    }
  } catch {
    // Not every server supports signals; closing the channel still ends our side.
  }
}

/** The command used to write a file from stdin (exported for tests; it never contains data). */
export function stdinWriteCommand(remotePath: string, mode: number): string {
  const target = remotePath.startsWith('~/')
    ? `"$HOME"/${quote(remotePath.slice(2))}`
    : quote(remotePath);
  const octal = (mode & 0o7777).toString(8);
  // umask 077 first: the file never exists with looser permissions, even for a moment.
  return `umask 077 && cat > ${target} && ${command(['chmod', octal])} ${target}`;
}

function validSize(cols: number, rows: number): { cols: number; rows: number } {
  if (
    !Number.isInteger(cols) ||
    !Number.isInteger(rows) ||
    cols < 1 ||
    rows < 1 ||
    cols > 1000 ||
    rows > 1000
  ) {
    throw new SshError({
      code: 'ssh.invalid-input',
      what: 'Invalid terminal size',
      why: `${cols}x${rows} is not a usable size.`,
      fix: 'This is a bug in the caller; report it.',
    });
  }
  return { cols, rows };
}

function sftpWrite(sftp: SFTPWrapper, file: string, data: Buffer, mode: number): Promise<void> {
  return new Promise((resolve, reject) => {
    sftp.open(file, 'w', { mode }, (openError, handle) => {
      if (openError) {
        reject(openError);
        return;
      }
      const closeThen = (error: Error | null | undefined) =>
        sftp.close(handle, (closeError) => {
          if (error) reject(error);
          else if (closeError) reject(closeError);
          else resolve();
        });
      const writeAt = (offset: number) => {
        if (offset >= data.length) {
          // An existing file keeps its old mode on open; set it explicitly.
          sftp.fchmod(handle, mode, (chmodError) => closeThen(chmodError));
          return;
        }
        const length = Math.min(32 * 1024, data.length - offset);
        sftp.write(handle, data, offset, length, offset, (writeError) => {
          if (writeError) closeThen(writeError);
          else writeAt(offset + length);
        });
      };
      writeAt(0);
    });
  });
}

/** Keeps the last `max` bytes of a stream. */
class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly max: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.max && this.chunks.length > 1) {
      const first = this.chunks.shift();
      this.size -= first?.length ?? 0;
    }
  }

  text(): string {
    const all = Buffer.concat(this.chunks);
    return (all.length > this.max ? all.subarray(all.length - this.max) : all).toString('utf8');
  }
}

function disconnected(target: string, reason: string | undefined): SshError {
  return new SshError({
    code: 'ssh.disconnected',
    what: `The ssh connection to ${target} is closed`,
    why: reason ?? 'The VM closed the connection or stopped answering.',
    fix: 'Check that the VM is still running; Clave reconnects when you retry.',
  });
}

function aborted(target: string): SshError {
  return new SshError({
    code: 'ssh.aborted',
    what: `Stopped talking to ${target}`,
    why: 'The operation was cancelled.',
    fix: 'Nothing to do.',
  });
}

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
