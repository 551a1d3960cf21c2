// Reaching a port of an Orchard VM from this Mac: `GET /vms/{name}/port-forward?port=N&wait=S`
// upgrades to a WebSocket carrying the raw TCP stream as binary messages (the controller expects
// binary only when the client sends a User-Agent; the client's headers carry one). A local
// 127.0.0.1 listener opens one port-forward per accepted connection, so anything that speaks TCP
// (ssh2 in connectSsh, Herd's proxy to the site) works unchanged.
import net from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket, { createWebSocketStream } from 'ws';
import { ForwardingListener } from '../../host/forwarding-listener';
import type { PortTunnel } from '../../host/ssh';
import type { Readable } from 'node:stream';
import type { OrchardClient } from './client';
import { httpError, networkError, OrchardError } from './errors';

/** Largest WebSocket message accepted from the controller (the worker relays TCP in chunks). */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export interface PortForwardOptions {
  /** How long the controller waits for the VM to run before answering 408. */
  waitSeconds: number;
  signal?: AbortSignal;
}

/** One port-forward: resolves with the byte stream once the controller upgraded. */
export function openPortForward(
  client: OrchardClient,
  name: string,
  port: number,
  options: PortForwardOptions,
): Promise<Duplex> {
  const what = `Could not reach port ${port} of the Orchard VM ${name}`;
  const wait = Math.max(0, Math.round(options.waitSeconds));
  const url = client.url(
    `/vms/${encodeURIComponent(name)}/port-forward?port=${port}&wait=${wait}`,
    true,
  );
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      headers: client.headers(),
      // The controller answers only once the VM runs (or `wait` ends): allow for that.
      handshakeTimeout: (wait + 15) * 1000,
      maxPayload: MAX_MESSAGE_BYTES,
      followRedirects: false,
      perMessageDeflate: false,
    });
    let settled = false;
    const fail = (error: OrchardError) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
      reject(error);
    };
    const onAbort = () => fail(networkError(what, client.controller, options.signal?.reason));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    ws.once('unexpected-response', (_req, res) => {
      void readStream(res, 64 * 1024).then((body) =>
        fail(
          httpError({
            what,
            status: res.statusCode ?? 0,
            body,
            controller: client.controller,
            account: client.account,
            vm: name,
          }),
        ),
      );
    });
    ws.once('error', (error) => fail(networkError(what, client.controller, error)));
    ws.once('open', () => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      ws.removeAllListeners('error');
      const stream = createWebSocketStream(ws);
      stream.on('error', () => stream.destroy());
      resolve(stream);
    });
  });
}

export interface ForwardingOptions extends PortForwardOptions {
  /** Why a connection could not be forwarded (for the VM's log). */
  onTrouble?: (error: Error) => void;
}

/**
 * A listening server whose every connection is carried to `port` of the VM by its own
 * port-forward. A dropped port-forward closes only its connection; the next one opens anew.
 */
export class ForwardingServer extends ForwardingListener implements PortTunnel {
  private lastError: Error | undefined;

  constructor(
    server: net.Server,
    private readonly client: OrchardClient,
    readonly vmName: string,
    readonly guestPort: number,
    private readonly options: ForwardingOptions,
  ) {
    super(
      server,
      () =>
        new OrchardError({
          code: 'orchard.unsupported',
          what: 'The port-forward needs a TCP listener',
          why: 'The given server is not listening on a TCP port.',
          fix: 'This is a bug in the caller; report it.',
        }),
    );
  }

  /** A new 127.0.0.1 listener on a free port. */
  static async listen(
    client: OrchardClient,
    vmName: string,
    guestPort: number,
    options: ForwardingOptions,
  ): Promise<ForwardingServer> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new ForwardingServer(server, client, vmName, guestPort, options);
  }

  /** Why the last connection could not be forwarded, for diagnostics. */
  get lastForwardError(): Error | undefined {
    return this.lastError;
  }

  /** Port-forwards do not ride on the ssh connection: a reconnect changes nothing. */
  useConnection(): void {}

  protected open(socket: net.Socket): Promise<Duplex> {
    // A connection closed while its port-forward is still opening: the opening is given up.
    const gone = new AbortController();
    socket.once('close', () => gone.abort());
    return openPortForward(this.client, this.vmName, this.guestPort, {
      waitSeconds: this.options.waitSeconds,
      signal: this.options.signal
        ? AbortSignal.any([this.options.signal, gone.signal])
        : gone.signal,
    });
  }

  protected failed(error: unknown, socket: net.Socket): void {
    if (socket.destroyed) return;
    this.lastError = error as Error;
    this.options.onTrouble?.(error as Error);
  }
}

/** At most `max` bytes of a refused upgrade's body (the controller's sentence), never rejects. */
function readStream(stream: Readable, max: number): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => resolve(Buffer.concat(chunks).toString('utf8').slice(0, max));
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) chunks.push(chunk);
      else stream.destroy();
    });
    stream.once('end', done);
    stream.once('close', done);
    stream.once('error', done);
  });
}
