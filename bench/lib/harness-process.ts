// The web harness (the real session host on the simulated VM host, e2e/harness) run as its own
// process, as `npm run demo` does: the host's memory is then its own, apart from the bench's
// browser driver and buffers, and the bench talks to it as any face does.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClaveApi } from '../../shared/api';
import { connectHost } from '../../e2e/harness/testing';
import { REPO_DIR } from './repo';

export interface HarnessProcess {
  pid: number;
  /** The app's page, with its access token. */
  url: string;
  origin: string;
  /** The Laravel project the harness made to start sessions on. */
  demoProject: string;
  api: ClaveApi;
  /** Ends every session (discarding its copy) so the next figure starts clean. */
  endSessions(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

export async function startHarnessProcess(options: {
  bootDelayMs: number;
  log: (line: string) => void;
  /** Node flags for the harness process (e.g. diagnostics). */
  nodeArgs?: string[];
}): Promise<HarnessProcess> {
  const port = await freePort();
  const token = randomBytes(32).toString('base64url');
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      '--import',
      'tsx',
      path.join(REPO_DIR, 'e2e/harness/main.ts'),
      '--port',
      String(port),
      '--boot-delay-ms',
      String(options.bootDelayMs),
    ],
    {
      cwd: REPO_DIR,
      env: { ...process.env, CLAVE_DEMO_TOKEN: token },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  // If the bench dies, the harness still ends its sessions and its simulated VMs (SIGTERM).
  const orphaned = () => child.kill('SIGTERM');
  process.once('exit', orphaned);
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-4000)));
  const exited = once(child, 'exit');
  const deadline = Date.now() + 120_000;
  while (!/Clave demo/.test(out) || !/\n\s+(\/\S+)\n/.test(out.split('paste it')[1] ?? '')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGTERM');
      // What it said last may still be in the pipe when it exits.
      await Promise.race([once(child.stderr!, 'close'), sleep(2000)]);
      throw new Error(`the harness did not start:\n${err}`);
    }
    await sleep(100);
  }
  const demoProject = /\n\s+(\/\S+)\n/.exec(out.split('paste it')[1]!)![1]!;
  const origin = `http://127.0.0.1:${port}`;
  const host = await connectHost(origin, token);
  options.log(`harness pid ${child.pid} on ${origin}`);
  const endSessions = async () => {
    const list = await host.api.call('sessions.list', {});
    await Promise.all(
      list.map((s) => host.api.call('sessions.stop', { id: s.id, onExit: 'discard', force: true })),
    );
  };
  return {
    pid: child.pid!,
    url: `${origin}/#token=${token}`,
    origin,
    demoProject,
    api: host.api,
    endSessions,
    async stop() {
      await endSessions().catch(() => {});
      host.close();
      if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.race([exited, sleep(60_000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
      process.off('exit', orphaned);
    },
  };
}
