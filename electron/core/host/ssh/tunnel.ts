// The tunnel server: a local TCP listener forwarding each connection into the VM.
import type net from 'node:net';
import type { Duplex } from 'node:stream';
import type { ClientChannel } from 'ssh2';
import { ForwardingListener } from '../forwarding-listener';
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

/** A local listener forwarding every connection into the VM over an ssh channel. */
export class Tunnel extends ForwardingListener implements PortTunnel {
  private connection: SshConnection | null;
  private lastError: string | undefined;

  constructor(
    server: net.Server,
    connection: SshConnection,
    readonly remoteHost: string,
    readonly remotePort: number,
  ) {
    super(
      server,
      () =>
        new SshError({
          code: 'ssh.tunnel-failed',
          what: 'The tunnel needs a TCP listener',
          why: 'The given server is not listening on a TCP port.',
          fix: 'This is a bug in the caller; report it.',
        }),
    );
    this.connection = connection;
  }

  /** The last forwarding error (e.g. nothing listening in the VM), for diagnostics. */
  get lastForwardError(): string | undefined {
    return this.lastError;
  }

  /** Point the tunnel at a new connection after a reconnect; the local port stays the same. */
  useConnection(connection: SshConnection): void {
    this.connection = connection;
  }

  protected open(socket: net.Socket): Promise<Duplex> | null {
    const connection = this.connection;
    if (connection === null || connection.closed) return null;
    return connection.forward(
      socket.remoteAddress ?? '127.0.0.1',
      socket.remotePort ?? 0,
      this.remoteHost,
      this.remotePort,
    );
  }

  protected failed(error: unknown): void {
    this.lastError = (error as Error).message;
  }

  protected override endStream(channel: Duplex): void {
    (channel as ClientChannel).close();
  }
}
