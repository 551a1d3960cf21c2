// `clave provision [--force|--update] [--image=…]`: the host's `provision.start` with a progress
// bar from its `provision.progress` events. Ctrl-C asks the host to cancel: its teardown removes
// the temporary VM, and the failed call (provision.aborted) makes the command exit non-zero.
import type { ClaveApi } from '../shared/api';
import { ApiError } from '../shared/protocol';
import { formatProblemLines, red } from './progress';
import { createTerminalProgress } from './provision-progress';

export async function provisionCommand(
  api: ClaveApi,
  cmd: { force: boolean; update: boolean; image?: string },
): Promise<number> {
  const bar = createTerminalProgress(process.stderr);
  const off = api.on('provision.progress', (e) => bar.onProgress(e));
  // Once: a second Ctrl-C ends the CLI at once; the host still finishes the teardown.
  const cancel = () => void api.call('provision.cancel', {}).catch(() => {});
  process.once('SIGINT', cancel);
  process.once('SIGTERM', cancel);
  try {
    const result = await api.call('provision.start', {
      force: cmd.force,
      update: cmd.update,
      ...(cmd.image === undefined ? {} : { image: cmd.image }),
    });
    bar.finish(`${result.baseVm}: ${result.outcome}`);
    return 0;
  } catch (e) {
    bar.finish();
    if (e instanceof ApiError) {
      process.stderr.write(red('✗ ') + formatProblemLines(e.problem).join('\n') + '\n');
      return 1;
    }
    throw e;
  } finally {
    off();
    process.off('SIGINT', cancel);
    process.off('SIGTERM', cancel);
  }
}
