// `clave provision [--force|--update] [--image=…]`: builds the base VM with a progress bar,
// shows the log's location on failure, and leaves exactly one base VM.
import type { DataPaths } from '../electron/core/config/paths';
import type { Settings } from '../electron/core/config/settings';
import { Tart } from '../electron/core/host/tart';
import {
  createTerminalProgress,
  provision,
  provisionOptionsFrom,
  ProvisionError,
} from '../electron/core/provision';
import { hostDeps } from '../electron/core/provision/host-binding';
import { openDatabase } from '../electron/core/store/database';
import { LedgerRepository } from '../electron/core/store/ledger-repository';
import { formatProblemLines, red } from './progress';

export async function provisionCommand(
  paths: DataPaths,
  settings: Settings,
  cmd: { force: boolean; update: boolean; image?: string },
): Promise<number> {
  const ac = new AbortController();
  const onSignal = () => ac.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const bar = createTerminalProgress(process.stderr);
  // The temporary VM goes on Clave's ledger, so a crash mid-provision leaves nothing unknown.
  const db = openDatabase(paths.database);
  try {
    const result = await provision(provisionOptionsFrom(paths, settings, cmd), {
      onProgress: (e) => bar.onProgress(e),
      signal: ac.signal,
      deps: hostDeps({
        tart: new Tart({ logDir: paths.vmLogs }),
        ledger: new LedgerRepository(db),
      }),
    });
    bar.finish(`${settings.baseVm}: ${result.outcome}`);
    return 0;
  } catch (e) {
    bar.finish();
    if (e instanceof ProvisionError) {
      process.stderr.write(red('✗ ') + formatProblemLines(e).join('\n') + '\n');
      return 1;
    }
    throw e;
  } finally {
    db.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
