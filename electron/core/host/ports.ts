import net from 'node:net';
import { z } from 'zod';
import { HostError } from './errors';

/**
 * Host ports for session tunnels. A port is allocated by binding a listening socket and holding it,
 * never by probing and hoping nobody takes it in between: the returned lease owns the bound
 * `net.Server`, which the tunnel takes over directly (no gap in which another session or process
 * could grab the port).
 */

export const PortRangeSchema = z
  .object({
    from: z.number().int().min(1024).max(65535),
    to: z.number().int().min(1024).max(65535),
  })
  .refine((r) => r.from <= r.to, { message: '`from` must not be greater than `to`' });

export type PortRange = z.infer<typeof PortRangeSchema>;

export const DEFAULT_PORT_RANGE: PortRange = { from: 8081, to: 8199 };

export interface PortAllocatorOptions {
  range?: PortRange;
  /** The address to bind; tunnels listen on loopback only. */
  host?: string;
}

export interface PortLease {
  readonly port: number;
  readonly host: string;
  /** The bound, listening server that holds the port. Give it to the tunnel, or release it. */
  readonly server: net.Server;
  /** Stop holding the port (closes the server if still open). Idempotent. */
  release(): Promise<void>;
}

export type PortErrorCode = 'ports.exhausted' | 'ports.bind-failed';

export class PortError extends HostError<PortErrorCode> {}

export class PortAllocator {
  private current: PortRange;
  readonly host: string;
  /** Ports this process holds right now; skipped without a bind attempt. */
  private readonly held = new Set<number>();

  constructor(options: PortAllocatorOptions = {}) {
    this.current = PortRangeSchema.parse(options.range ?? DEFAULT_PORT_RANGE);
    this.host = options.host ?? '127.0.0.1';
  }

  get range(): PortRange {
    return this.current;
  }

  /** New leases come from this range; ports held now stay held until released. */
  setRange(range: PortRange): void {
    this.current = PortRangeSchema.parse(range);
  }

  /** Bind the first free port in the range and hold it. Safe to call many times at once. */
  async allocate(): Promise<PortLease> {
    for (let port = this.range.from; port <= this.range.to; port++) {
      if (this.held.has(port)) continue;
      // Reserve synchronously so concurrent calls in this process skip it while we bind.
      this.held.add(port);
      const server = net.createServer();
      try {
        await listen(server, port, this.host);
      } catch (error) {
        this.held.delete(port);
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE' || code === 'EACCES') continue;
        throw new PortError({
          code: 'ports.bind-failed',
          what: 'Could not reserve a local port for the session',
          why: `Binding ${this.host}:${port} failed: ${(error as Error).message}`,
          fix: `Check that ${this.host} is a local address of this machine, or change the port range in Settings.`,
          cause: error,
        });
      }
      return this.lease(server, port);
    }
    throw new PortError({
      code: 'ports.exhausted',
      what: 'No free local port for the session',
      why: `Every port from ${this.range.from} to ${this.range.to} on ${this.host} is in use.`,
      fix: 'Stop a session you no longer need, or widen the port range in Settings.',
    });
  }

  /** Ports held by this allocator right now. */
  heldPorts(): number[] {
    return [...this.held].sort((a, b) => a - b);
  }

  private lease(server: net.Server, port: number): PortLease {
    let released = false;
    const forget = () => {
      if (!released) {
        released = true;
        this.held.delete(port);
      }
    };
    // Whoever closes the server (the tunnel, or release()) gives the port back.
    server.once('close', forget);
    return {
      port,
      host: this.host,
      server,
      release: () =>
        new Promise<void>((resolve) => {
          if (!server.listening) {
            forget();
            resolve();
            return;
          }
          server.close(() => {
            forget();
            resolve();
          });
        }),
    };
  }
}

function listen(server: net.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    // exclusive: never share the port with another process through cluster handles.
    server.listen({ port, host, exclusive: true });
  });
}
