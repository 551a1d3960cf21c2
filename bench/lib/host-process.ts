// The session host as it ships: no tsx, one esbuild bundle. The app runs the host in Electron's
// main process from the bundle scripts/build-main.mjs makes; Electron cannot run here, so this is
// `clave serve` (the same core, the CLI's socket as its face) bundled with the same options
// (scripts/node-bundle.mjs) and run by plain Node, on a simulated VM host the bench made, with
// the gateway's MySQL and Redis up as a Herd set up for VMs serves them (no warnings).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { build } from 'esbuild';
import { NODE_BUNDLE } from '../../scripts/node-bundle.mjs';
import { connectSocket, type SocketConnection } from '../../electron/core/api/socket-client';
import { dataPaths } from '../../electron/core/config/paths';
import { provisionBase, type SimWorld } from '../../electron/core/session/testing/sim-env';
import { REPO_DIR } from './repo';
import { openWorld } from './worlds';

/** Inside the checkout, so the bundle's external (native) modules resolve from node_modules. */
const BUNDLE = path.join(REPO_DIR, 'dist', 'bench', 'clave.cjs');

export async function buildHostBundle(): Promise<string> {
  await build({
    ...NODE_BUNDLE,
    entryPoints: [path.join(REPO_DIR, 'cli/main.ts')],
    outfile: BUNDLE,
    logLevel: 'error',
  });
  return BUNDLE;
}

export interface HostProcess {
  pid: number;
  world: SimWorld;
  conn: SocketConnection;
  /** A new Laravel-shaped project to start sessions on. */
  project(name: string): string;
  /** Ends every session (discarding its copy), SIGTERMs the host, removes the simulated host. */
  stop(): Promise<void>;
}

export async function startBundledHost(options: {
  log: (line: string) => void;
  /** Node flags for the host process (e.g. diagnostics). */
  nodeArgs?: string[];
}): Promise<HostProcess> {
  const bundle = await buildHostBundle();
  const world = await openWorld();
  try {
    await provisionBase(world);
    const services = await world.sim.startServices({ mysql: 0, redis: 0 });
    const paths = dataPaths(world.claveHome);
    const settings = JSON.parse(readFileSync(paths.settings, 'utf8')) as object;
    writeFileSync(
      paths.settings,
      JSON.stringify({
        ...settings,
        services: { mode: 'host', mysqlPort: services.mysqlPort, redisPort: services.redisPort },
      }),
    );
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), bundle, 'serve'], {
      cwd: REPO_DIR,
      env: world.env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    // If the bench dies, the host still ends its sessions and its simulated VMs (SIGTERM).
    const orphaned = () => child.kill('SIGTERM');
    process.once('exit', orphaned);
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-4000)));
    const exited = once(child, 'exit');
    const stop = async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.race([exited, sleep(60_000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
      process.off('exit', orphaned);
    };
    let conn: SocketConnection | undefined;
    for (const deadline = Date.now() + 60_000; !conn;) {
      conn = await connectSocket(paths.socket).catch(() => undefined);
      if (conn) break;
      if (child.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`the bundled host did not start:\n${err}`);
      }
      await sleep(100);
    }
    options.log(`bundled host (${path.relative(REPO_DIR, bundle)} serve) pid ${child.pid}`);
    const c = conn;
    return {
      pid: child.pid!,
      world,
      conn: c,
      project: (name) => world.project(name),
      async stop() {
        const list = await c.api.call('sessions.list', {}).catch(() => []);
        await Promise.all(
          list.map((s) =>
            c.api
              .call('sessions.stop', { id: s.id, onExit: 'discard', force: true })
              .catch(() => {}),
          ),
        );
        c.end();
        await stop();
        await world.cleanup();
      },
    };
  } catch (e) {
    await world.cleanup();
    throw e;
  }
}
