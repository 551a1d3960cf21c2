// The tunnel server: a local TCP listener forwarding each connection into the VM.
import type net from 'node:net';
import type { ClientChannel } from 'ssh2';
import type { SshConnection } from './connection';
import { SshError } from './errors';

/**
 * A port of the VM served on this Mac, however it is carried (an ssh channel per connection
 * here; an Orchard port-forward per connection in vm/orchard/): what sessions hold and close.
 */
export interface PortTunnel {
  readonly localHost: string;
  readonly localPort: number;
  /** `http://127.0.0.1:<port>`: where the VM's site is reachable on this machine. */
  readonly url: string;
  /** After an ssh reconnect: carry new connections over it (nothing to do when not over ssh). */
  useConnection(connection: SshConnection): void;
  /** Stop listening, drop every forwarded connection, free the port. Idempotent. */
  close(): Promise<void>;
}

/** A local listener forwarding every connection into the VM. */
export class Tunnel implements PortTunnel {
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
