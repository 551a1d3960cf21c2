// Cross-process mutual exclusion without native code: a lock is a directory created atomically with
// mkdir(2), holding the owner's identity. A lock whose owner died is broken, so a crashed `tart`
// never wedges the next one.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isAlive, selfRef, sleep, sleepSync, type ProcRef } from './proc';

function tryTake(path: string): boolean {
  try {
    mkdirSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    let owner: ProcRef | undefined;
    try {
      owner = JSON.parse(readFileSync(`${path}/owner`, 'utf8')) as ProcRef;
    } catch {
      // Owner not written yet (just created) or garbage: treat as held unless very old.
      return false;
    }
    if (isAlive(owner)) return false;
    rmSync(path, { recursive: true, force: true });
    return false;
  }
  writeFileSync(`${path}/owner`, JSON.stringify(selfRef()));
  return true;
}

function release(path: string): void {
  rmSync(path, { recursive: true, force: true });
}

export async function withLock<T>(path: string, fn: () => Promise<T> | T): Promise<T> {
  const deadline = Date.now() + 60_000;
  let attempts = 0;
  while (!tryTake(path)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${path}`);
    // An owner-less directory older than a few seconds is garbage from a crash between mkdir and write.
    if (++attempts % 100 === 0) breakIfOwnerless(path);
    await sleep(15);
  }
  try {
    return await fn();
  } finally {
    release(path);
  }
}

export function withLockSync<T>(path: string, fn: () => T): T {
  const deadline = Date.now() + 60_000;
  let attempts = 0;
  while (!tryTake(path)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${path}`);
    if (++attempts % 100 === 0) breakIfOwnerless(path);
    sleepSync(15);
  }
  try {
    return fn();
  } finally {
    release(path);
  }
}

function breakIfOwnerless(path: string): void {
  try {
    readFileSync(`${path}/owner`);
  } catch {
    rmSync(path, { recursive: true, force: true });
  }
}
