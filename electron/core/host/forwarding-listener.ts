// A listener on this Mac whose every accepted connection is carried into a VM by a stream of its
// own: an ssh channel (host/ssh/tunnel.ts) or an Orchard port-forward (vm/orchard/). The listener,
// the connections it holds, closing and the hand-over of one socket to one stream live here once;
// a subclass only says how a stream is opened (and, if it must, how one is ended).
import type net from 'node:net';
import type { Duplex } from 'node:stream';

export abstract class ForwardingListener {
  readonly localHost: string;
  readonly localPort: number;
  private readonly sockets = new Set<net.Socket>();
  private readonly streams = new Set<Duplex>();
  private closing: Promise<void> | undefined;

  /** `notTcp` is the error for a server that is not listening on a TCP port (a caller's bug). */
  constructor(
    private readonly server: net.Server,
    notTcp: () => Error,
  ) {
    const address = server.address();
    if (address === null || typeof address === 'string') throw notTcp();
    this.localHost = address.address;
    this.localPort = address.port;
    server.on('connection', (socket) => this.accept(socket));
  }

  /** `http://127.0.0.1:<port>`: where the VM's port is reachable on this machine. */
  get url(): string {
    const host = this.localHost.includes(':') ? `[${this.localHost}]` : this.localHost;
    return `http://${host}:${this.localPort}`;
  }

  get activeConnections(): number {
    return this.sockets.size;
  }

  /** Stop listening, drop every forwarded connection, free the port. Idempotent. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      for (const socket of this.sockets) socket.destroy();
      for (const stream of this.streams) this.endStream(stream);
      if (!this.server.listening) resolve();
      else this.server.close(() => resolve());
    });
    return this.closing;
  }

  /**
   * The stream that carries one accepted connection into the VM (the socket is paused until it
   * is there); null refuses the connection now. A rejection drops the connection.
   */
  protected abstract open(socket: net.Socket): Promise<Duplex> | null;

  /** Why a connection could not be carried (for diagnostics); `socket` may be gone already. */
  protected abstract failed(error: unknown, socket: net.Socket): void;

  /** Ends one stream (ssh channels are closed, not destroyed). */
  protected endStream(stream: Duplex): void {
    stream.destroy();
  }

  private accept(socket: net.Socket): void {
    if (this.closing !== undefined) return void socket.destroy();
    socket.pause();
    const opening = this.open(socket);
    if (opening === null) return void socket.destroy();
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    opening.then(
      (stream) => {
        if (socket.destroyed || this.closing !== undefined) return this.endStream(stream);
        this.streams.add(stream);
        stream.once('close', () => {
          this.streams.delete(stream);
          socket.destroy();
        });
        stream.on('error', () => socket.destroy());
        socket.once('close', () => this.endStream(stream));
        socket.pipe(stream);
        stream.pipe(socket);
        socket.resume();
      },
      (error: unknown) => {
        this.failed(error, socket);
        socket.destroy();
      },
    );
  }
}
