// Reverse forwards (`ssh -R`): a port on the guest's loopback whose connections come back through
// the ssh connection to a host:port on this machine. No listener is opened here: the guest's sshd
// listens, and each connection arrives as a channel on the connection we already hold.
import net from 'node:net';
import type { Client, ClientChannel } from 'ssh2';
import { SshError } from './errors';

export interface ReverseTarget {
  host: string;
  port: number;
}

/** One guest port forwarded back here; `close()` stops listening in the guest. */
export class ReverseForward {
  private readonly open = new Set<{ destroy(): void }>();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly owner: ReverseForwards,
    readonly guestHost: string,
    readonly guestPort: number,
    readonly target: ReverseTarget,
  ) {}

  get closed(): boolean {
    return this.closing !== undefined;
  }

  /** @internal One guest connection: piped to the target, or closed when it does not answer. */
  pipe(channel: ClientChannel): void {
    const socket = net.connect({ host: this.target.host, port: this.target.port });
    const pair = {
      destroy: () => {
        socket.destroy();
        channel.close();
      },
    };
    this.open.add(pair);
    const end = () => {
      this.open.delete(pair);
      pair.destroy();
    };
    socket.once('error', end);
    socket.once('close', end);
    channel.once('error', end);
    channel.once('close', end);
    socket.pipe(channel);
    channel.pipe(socket);
  }

  /** Stop listening in the guest and drop every forwarded connection. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const pair of this.open) pair.destroy();
      this.open.clear();
      await this.owner.remove(this);
    })();
    return this.closing;
  }
}

/** The reverse forwards of one ssh connection (ssh2 reports every inbound one on the client). */
export class ReverseForwards {
  private readonly byPort = new Map<number, ReverseForward>();

  constructor(
    private readonly client: Client,
    private readonly guest: string,
    private readonly isClosed: () => boolean,
  ) {
    client.on('tcp connection', (details, accept, reject) => {
      const forward = this.byPort.get(details.destPort);
      if (!forward || forward.closed) {
        reject();
        return;
      }
      forward.pipe(accept());
    });
  }

  /**
   * `guestHost` is 127.0.0.1 or ::1, never "localhost": sshd binds "localhost" to every loopback
   * address it can and succeeds when one of them is free, so a port taken on 127.0.0.1 would
   * look forwarded while the guest's own server answers it.
   */
  add(guestHost: string, guestPort: number, target: ReverseTarget): Promise<ReverseForward> {
    if (this.byPort.has(guestPort)) {
      return Promise.reject(this.failed(guestPort, 'It is forwarded already.'));
    }
    return new Promise((resolve, reject) => {
      this.client.forwardIn(guestHost, guestPort, (error) => {
        if (error) {
          reject(
            this.failed(
              guestPort,
              `${error.message} — the port is taken in the VM, or its sshd does not allow remote forwarding (AllowTcpForwarding).`,
            ),
          );
          return;
        }
        const forward = new ReverseForward(this, guestHost, guestPort, target);
        this.byPort.set(guestPort, forward);
        resolve(forward);
      });
    });
  }

  /** @internal */
  remove(forward: ReverseForward): Promise<void> {
    if (this.byPort.get(forward.guestPort) !== forward) return Promise.resolve();
    this.byPort.delete(forward.guestPort);
    // A connection that is gone took the guest's listener with it.
    if (this.isClosed()) return Promise.resolve();
    return new Promise((resolve) => {
      // Never wait on a guest that stopped answering: teardown goes on without it.
      const timer = setTimeout(resolve, 5000);
      timer.unref();
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      try {
        this.client.unforwardIn(forward.guestHost, forward.guestPort, done);
      } catch {
        done();
      }
    });
  }

  private failed(port: number, why: string): SshError {
    return new SshError({
      code: 'ssh.tunnel-failed',
      what: `Could not listen on port ${port} in ${this.guest}`,
      why,
      fix: 'Stop what uses that port in the VM, or change the port on this Mac.',
    });
  }
}
