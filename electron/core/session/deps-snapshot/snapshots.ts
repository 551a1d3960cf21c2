// Dependency snapshots on this Mac: a project's installed vendor/, kept under Clave's data dir
// keyed by its lock file, so a later session with the same lock gets it without an install.
//
//   <data>/deps/<project>-<hash of its path>/snapshots/<key>/vendor/…   shared read-only with
//                                          the project's VMs (only this project's snapshots)
//   …/snapshots/<key>/snapshot.json        written last: the snapshot is complete
//   …/in-use/<key>/<session id>            which sessions mounted it (pruning skips those)
//
// Each snapshot is on the ledger (kind `snapshot`) before it is made, so cleanup removes only
// Clave's, and a capture cut short is found again. Never shared across projects: the key folder
// lives under the project's own folder, and a VM is given only its project's folder.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { LedgerRepository } from '../../store/ledger-repository';

/** The files a snapshot is keyed by: a changed one means a new install. */
export const LOCK_FILES = ['composer.json', 'composer.lock'] as const;
const COMPLETE = 'snapshot.json';

export interface ProjectSnapshots {
  /** The project's folder under the data dir. */
  root: string;
  /** What its VMs see: one folder per key. */
  share: string;
}

export function projectSnapshots(dataRoot: string, projectDir: string): ProjectSnapshots {
  const id = createHash('sha256').update(projectDir).digest('hex').slice(0, 12);
  const slug =
    path
      .basename(projectDir)
      .replace(/[^A-Za-z0-9._-]/g, '_')
      .slice(0, 40) || 'project';
  const root = path.join(dataRoot, 'deps', `${slug}-${id}`);
  return { root, share: path.join(root, 'snapshots') };
}

/** The key of the copy's dependencies, or null without a lock file (nothing stable to key by). */
export async function dependencyKey(copyDir: string): Promise<string | null> {
  const hash = createHash('sha256');
  for (const name of LOCK_FILES) {
    const text = await readFile(path.join(copyDir, name)).catch(() => null);
    if (text === null) return null;
    hash.update(`${name}\0${text.length}\0`).update(text);
  }
  return hash.digest('hex').slice(0, 32);
}

export function snapshotDir(p: ProjectSnapshots, key: string): string {
  return path.join(p.share, key);
}

/** The project folder and key of a snapshot folder (a ledger entry's name). */
export function snapshotOf(dir: string): { snapshots: ProjectSnapshots; key: string } {
  const share = path.dirname(dir);
  return { snapshots: { root: path.dirname(share), share }, key: path.basename(dir) };
}

export function isComplete(p: ProjectSnapshots, key: string): boolean {
  return existsSync(path.join(snapshotDir(p, key), COMPLETE));
}

/** Marks the snapshot used by `sessionId` now (recent use keeps it; live use protects it). */
export function markInUse(p: ProjectSnapshots, key: string, sessionId: string): void {
  const dir = path.join(p.root, 'in-use', key);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, sessionId), '');
  const now = new Date();
  utimesSync(snapshotDir(p, key), now, now);
}

/**
 * Makes snapshot `key` from a tar stream of the installed folders (`produce` writes it to the
 * given sink and resolves when done). Written beside the final place, then renamed in: a crash
 * or failure leaves only a ledgered partial folder, which is removed here or by cleanup.
 */
export async function captureSnapshot(options: {
  snapshots: ProjectSnapshots;
  key: string;
  sessionId: string;
  repo: string;
  ledger: LedgerRepository;
  produce: (sink: (chunk: Buffer) => void) => Promise<void>;
}): Promise<void> {
  const { snapshots: p, key, sessionId, ledger } = options;
  const final = snapshotDir(p, key);
  const partial = path.join(p.root, 'partial', `${key}-${sessionId}`);
  const entry = ledger.intend({
    kind: 'snapshot',
    name: partial,
    sessionId,
    detail: { repo: options.repo },
  });
  try {
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    await untar(partial, options.produce);
    writeFileSync(
      path.join(partial, COMPLETE),
      JSON.stringify({
        key,
        project: options.repo,
        session: sessionId,
        at: new Date().toISOString(),
      }) + '\n',
    );
    // Another session of the project may have made the same one meanwhile: keep the first.
    // Synchronous from the check to the rename, so no other capture of this host interleaves
    // (one host owns a data dir).
    if (!isComplete(p, key)) {
      const made =
        ledger.list({ kind: 'snapshot', name: final })[0] ??
        ledger.intend({
          kind: 'snapshot',
          name: final,
          sessionId,
          detail: { repo: options.repo },
        });
      rmSync(final, { recursive: true, force: true }); // an incomplete leftover
      mkdirSync(p.share, { recursive: true });
      renameSync(partial, final);
      ledger.created(made.id);
    }
  } finally {
    await rm(partial, { recursive: true, force: true });
    ledger.removeEntry(entry.id);
  }
}

/**
 * `tar -x` into `dir` of what `produce` writes; fails with tar's message. The files become this
 * Mac user's (not the guest user's numbers), so the share shows them as any copy's files.
 */
function untar(dir: string, produce: (sink: (chunk: Buffer) => void) => Promise<void>) {
  return new Promise<void>((resolve, reject) => {
    const tar = spawn('tar', ['-x', '--no-same-owner', '-f', '-', '-C', dir], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    tar.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-2000)));
    tar.stdin.on('error', () => {}); // tar died: its exit says why
    const exited = new Promise<number | null>((r) => tar.on('close', (code) => r(code)));
    tar.on('error', reject);
    produce((chunk) => tar.stdin.write(chunk)).then(
      async () => {
        tar.stdin.end();
        const code = await exited;
        if (code === 0) resolve();
        else
          reject(
            new Error(`tar could not unpack the dependencies (exit ${code}): ${stderr.trim()}`),
          );
      },
      (error: unknown) => {
        tar.kill();
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * Keeps the `keep` most recently used complete snapshots of the project, and every snapshot a
 * session that may still run uses; removes the rest through the ledger (only Clave's).
 */
export async function pruneSnapshots(options: {
  snapshots: ProjectSnapshots;
  keep: number;
  mayRun: (sessionId: string) => boolean;
  ledger: LedgerRepository;
}): Promise<string[]> {
  const { snapshots: p, ledger } = options;
  const keys = listDirs(p.share)
    .filter((k) => isComplete(p, k))
    .map((k) => ({ k, used: statSync(snapshotDir(p, k)).mtimeMs }))
    .sort((a, b) => b.used - a.used)
    .map((x) => x.k);
  const removed: string[] = [];
  for (const key of keys.slice(Math.max(0, options.keep))) {
    if (inUseBy(p, key, options.mayRun).length) continue;
    const name = snapshotDir(p, key);
    const entries = ledger.list({ kind: 'snapshot', name });
    if (!entries.length) continue; // not Clave's (or not provably): left alone
    await removeSnapshot(p, key);
    for (const e of entries) ledger.removeEntry(e.id);
    removed.push(key);
  }
  return removed;
}

/** Sessions that mounted snapshot `key` and may still run; forgets the marks of the others. */
export function inUseBy(
  p: ProjectSnapshots,
  key: string,
  mayRun: (sessionId: string) => boolean,
): string[] {
  const dir = path.join(p.root, 'in-use', key);
  const users = listDirs(dir, true);
  for (const id of users.filter((u) => !mayRun(u))) rmSync(path.join(dir, id), { force: true });
  return users.filter(mayRun);
}

export async function removeSnapshot(p: ProjectSnapshots, key: string): Promise<void> {
  await rm(snapshotDir(p, key), { recursive: true, force: true });
  await rm(path.join(p.root, 'in-use', key), { recursive: true, force: true });
}

function listDirs(dir: string, files = false): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => (files ? d.isFile() : d.isDirectory()))
      .map((d) => d.name);
  } catch {
    return [];
  }
}
