// The provision lock: one provision per data dir. A file holding the owner's pid, taken with
// O_EXCL; a lock whose process is gone is stale and taken over. (proper-lockfile was considered:
// its staleness is by mtime, with a refresh timer, and it cannot say which process holds the lock
// — the message `provision.busy` gives — nor recognise a lock of a dead process at once.)
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { ProvisionError } from './errors';
import { isAlive } from '../host/process-alive';

export interface ProvisionLock {
  release(): Promise<void>;
}

export async function acquireLock(
  dataDir: string,
  runId: string,
  note: (message: string) => void,
  logFile: string | null,
): Promise<ProvisionLock> {
  await mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, 'provision.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o600);
      await handle.writeFile(JSON.stringify({ pid: process.pid, run: runId }));
      await handle.close();
      return { release: () => unlink(file).catch(() => {}) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readFile(file, 'utf8')
      .then((t) => JSON.parse(t) as { pid?: number })
      .catch(() => ({}) as { pid?: number });
    if (typeof holder.pid === 'number' && holder.pid !== process.pid && isAlive(holder.pid)) {
      throw new ProvisionError({
        code: 'provision.busy',
        phase: 'prepare',
        what: 'Another provision is already running',
        why: `Process ${holder.pid} holds ${file}.`,
        fix: 'Wait for it to finish (or stop it), then try again.',
        logFile,
      });
    }
    if (typeof holder.pid === 'number' && holder.pid === process.pid) {
      throw new ProvisionError({
        code: 'provision.busy',
        phase: 'prepare',
        what: 'A provision is already running in this process',
        why: `${file} is held by this process.`,
        fix: 'Wait for it to finish, then try again.',
        logFile,
      });
    }
    note(`Removing a stale lock left by process ${holder.pid ?? 'unknown'}`);
    await unlink(file).catch(() => {});
  }
  throw new Error(`could not take the provision lock ${file}`);
}
