// A `clave serve` host as a separate process on a sim world, so a test can SIGKILL it the way an
// app crash ends it, and start the next one on the same data dir.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { connectSocket, type SocketConnection } from '../../api/socket-client';
import { socketIsLive } from '../../api/socket-server';
import { CLAVE_BIN, type SimWorld } from './sim-env';

export class HostProcesses {
  private readonly children: ChildProcess[] = [];

  constructor(private readonly world: SimWorld) {}

  private get socket(): string {
    return path.join(this.world.claveHome, 'host.sock');
  }

  /** Starts a host (ending any earlier one: one host per data dir) and connects to it. */
  async start(): Promise<SocketConnection> {
    await this.stopAll();
    const child = spawn(CLAVE_BIN, ['serve'], {
      env: this.world.env,
      stdio: 'ignore',
      detached: true,
    });
    this.children.push(child);
    for (let i = 0; i < 200 && !(await socketIsLive(this.socket)); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    return connectSocket(this.socket);
  }

  /** Ends the newest host as a crash does: no teardown, the VMs and the agent live on. */
  async crash(): Promise<void> {
    const child = this.children.at(-1);
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  /** Tears down what the hosts still hold (SIGTERM: each tears its sessions down). */
  async stopAll(): Promise<void> {
    const running = this.children.filter((c) => c.exitCode === null && c.signalCode === null);
    await Promise.all(
      running.map(
        (c) =>
          new Promise((r) => {
            c.once('exit', r);
            c.kill('SIGTERM');
            setTimeout(r, 20_000);
          }),
      ),
    );
  }
}

/** The background hosts (`clave serve`) a world's CLI started, found by their CLAVE_HOME. */
export function cliHostPids(world: Pick<SimWorld, 'claveHome'>): number[] {
  let out: string;
  try {
    out = execFileSync('pgrep', ['-f', 'cli/main.ts serve'], { encoding: 'utf8' });
  } catch {
    return [];
  }
  return out
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/environ`, 'utf8').includes(
          `CLAVE_HOME=${world.claveHome}\0`,
        );
      } catch {
        return false;
      }
    });
}

/** Ends those hosts (SIGTERM: they tear down; SIGKILL: as a crash) and waits until they are gone. */
export async function stopCliHosts(
  world: Pick<SimWorld, 'claveHome'>,
  signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM',
): Promise<void> {
  for (const pid of cliHostPids(world)) process.kill(pid, signal);
  for (let i = 0; i < 100 && cliHostPids(world).length; i++)
    await new Promise((r) => setTimeout(r, 100));
}
