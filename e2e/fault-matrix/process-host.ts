// Session hosts as separate `clave serve` processes on one data dir, for rows that SIGKILL the
// host: each kill is followed by a fresh host that must reconcile what the dead one left, and
// that fresh host serves the next row (one restart per row, not two).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { connectSocket, type SocketConnection } from '../../electron/core/api/socket-client';
import { socketIsLive } from '../../electron/core/api/socket-client';
import { dataPaths } from '../../electron/core/config/paths';
import { CLAVE_BIN } from '../../electron/core/session/testing/sim-env';

export class ProcessHosts {
  private child: ChildProcess | null = null;
  private conn: SocketConnection | null = null;
  readonly home: string;

  constructor(
    root: string,
    private readonly env: NodeJS.ProcessEnv,
    settings: object,
  ) {
    this.home = path.join(root, 'clave-process-host');
    mkdirSync(this.home, { recursive: true });
    writeFileSync(path.join(this.home, 'settings.json'), JSON.stringify(settings));
  }

  /** The live host, started (and reconciled: its first answer waits for that) when none runs. */
  async current(): Promise<SocketConnection> {
    if (this.conn) return this.conn;
    const socket = dataPaths(this.home).socket;
    this.child = spawn(CLAVE_BIN, ['serve'], {
      env: { ...this.env, CLAVE_HOME: this.home },
      stdio: 'ignore',
      detached: true,
    });
    for (let i = 0; i < 300 && !(await socketIsLive(socket)); i++)
      await new Promise((r) => setTimeout(r, 100));
    this.conn = await connectSocket(socket);
    await this.conn.api.call('app.info', {});
    return this.conn;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The crash: SIGKILL, no chance to clean up. */
  async kill(): Promise<void> {
    const child = this.child;
    this.conn?.end();
    this.conn = null;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.conn?.end();
    this.conn = null;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 20_000))]);
  }
}
