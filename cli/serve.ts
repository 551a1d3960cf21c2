// `clave serve`: a headless session host in the foreground, on the data dir's socket.
// SIGINT/SIGTERM tear every session down (keeping all work) before exiting.
import { loadSettings } from '../electron/core/config/settings';
import type { DataPaths } from '../electron/core/config/paths';
import { listenOnSocket } from '../electron/core/api/socket-server';
import { createHostRuntime } from '../electron/core/compose';

export async function serve(paths: DataPaths): Promise<number> {
  const settings = loadSettings(paths.settings);
  const runtime = await createHostRuntime({ paths, settings, face: 'cli' });
  const server = await listenOnSocket(paths.socket, runtime.dispatch, runtime.clients);
  const log = (m: string) =>
    process.stderr.write(`[clave host ${new Date().toISOString()}] ${m}\n`);
  log(`listening on ${paths.socket}`);
  const r = await runtime.reconciled;
  if (r.reattached.length) log(`re-attached ${r.reattached.join(', ')}`);
  if (r.tornDown.length) log(`tore down ${r.tornDown.join(', ')}`);
  if (r.orphanVms.length)
    log(`orphaned VMs (clave cleanup removes them): ${r.orphanVms.join(', ')}`);

  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log(`${signal}: tearing down sessions`);
      server.close();
      void runtime.shutdown().finally(() => resolve(0));
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
}
