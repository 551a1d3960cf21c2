// Attaching a host folder inside a booted guest, retried until a deadline: a VirtioFS share is not
// always ready the moment sshd is. Written once for the session copy and the provision script.
import { firstLine } from '../host/errors';
import { retryUntilDeadline } from '../host/retry';
import type { GuestShell, HostFolder, VmRuntime } from './runtime';

export interface AttachOptions {
  deadlineMs: number;
  signal?: AbortSignal;
  /** After a successful attach: null when the folder is right, else why not (tried again). */
  verify?: () => Promise<string | null>;
  onFailedAttempt?: (attempt: number, why: string) => void;
}

/** Resolves when attached; else with the last reason it failed. */
export async function attachFolder(
  runtime: Pick<VmRuntime, 'attach'>,
  shell: GuestShell,
  folder: HostFolder,
  options: AttachOptions,
): Promise<{ ok: true } | { ok: false; why: string }> {
  const result = await retryUntilDeadline<true, string>(
    async () => {
      const r = await runtime.attach(shell, folder, options.signal);
      const why =
        r.code !== 0
          ? firstLine(r.stderr) || firstLine(r.stdout) || `exit ${r.code}`
          : options.verify
            ? await options.verify()
            : null;
      return why === null ? { ok: true, value: true } : { ok: false, failure: why };
    },
    {
      deadlineMs: options.deadlineMs,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onFailedAttempt ? { onFailedAttempt: options.onFailedAttempt } : {}),
    },
  );
  return result.ok ? { ok: true } : { ok: false, why: result.failure };
}
