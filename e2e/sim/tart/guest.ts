// Host side of a running guest: starts guest/init.sh as PID 1 of new namespaces and speaks its
// line protocol (see the header of init.sh).
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { SIM_DIR } from '../config';
import { childPids, refOf, sleep, type ProcRef } from '../util/proc';

export type GuestEvent =
  | { kind: 'line'; line: string }
  | { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null };

export class GuestProcess {
  private readonly child: ChildProcess;
  private readonly waiters: Array<(e: GuestEvent) => void> = [];
  private readonly backlog: GuestEvent[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  poweredOff = false;

  constructor(runDir: string) {
    const log = openSync(join(runDir, 'guest.log'), 'a');
    this.child = spawn(
      'unshare',
      [
        '--net',
        '--mount',
        '--pid',
        '--uts',
        '--ipc',
        '--fork',
        '--kill-child',
        '--mount-proc',
        '--',
        '/bin/bash',
        join(SIM_DIR, 'guest', 'init.sh'),
        runDir,
      ],
      {
        stdio: ['pipe', 'pipe', log],
        // A clean environment: nothing of the host (or the test) leaks into the guest.
        env: {
          PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
          LANG: 'C.UTF-8',
        },
      },
    );
    closeSync(log);
    this.child.stdin?.on('error', () => {
      // The guest is gone; writes are moot.
    });
    const rl = createInterface({ input: this.child.stdout! });
    rl.on('line', (line) => {
      if (line === 'POWEROFF') this.poweredOff = true;
      this.emit({ kind: 'line', line });
    });
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        // Let buffered stdout lines arrive first.
        setTimeout(() => {
          this.emit({ kind: 'exit', code, signal });
          resolve({ code, signal });
        }, 20);
      });
    });
  }

  private emit(e: GuestEvent): void {
    const w = this.waiters.shift();
    if (w) w(e);
    else this.backlog.push(e);
  }

  next(): Promise<GuestEvent> {
    const e = this.backlog.shift();
    if (e) return Promise.resolve(e);
    return new Promise((r) => this.waiters.push(r));
  }

  /** Waits for READY; rejects with the guest's ERROR text if setup failed. */
  async ready(): Promise<void> {
    for (;;) {
      const e = await this.next();
      if (e.kind === 'exit')
        throw new Error(`the guest exited during start (code ${e.code ?? e.signal})`);
      if (e.line === 'READY') return;
      if (e.line.startsWith('ERROR ')) throw new Error(e.line.slice(6));
    }
  }

  send(line: string): void {
    if (this.child.stdin && !this.child.stdin.destroyed) this.child.stdin.write(line + '\n');
  }

  /** Cuts the guest's power: closing its stdin makes PID 1 kill everything and exit. */
  cut(): void {
    this.send('halt');
    this.child.stdin?.end();
  }

  get unshare(): ProcRef | undefined {
    return this.child.pid ? refOf(this.child.pid) : undefined;
  }

  /** The guest's PID 1 as the host sees it (the only child of unshare). */
  async guestPid(): Promise<ProcRef> {
    const pid = this.child.pid;
    if (!pid) throw new Error('unshare did not start');
    for (let i = 0; i < 200; i++) {
      const kids = childPids(pid);
      const ref = kids[0] !== undefined ? refOf(kids[0]) : undefined;
      if (ref) return ref;
      await sleep(10);
    }
    throw new Error('cannot find the guest init process');
  }
}
