// Whether a standby may still be served: it was made from a base VM and with settings that are
// the ones a session started now would get. A rebuilt base (`clave provision` writes a new
// record), another base VM or changed session settings make every earlier standby stale.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Settings } from '../../config/settings';
import { readBaseRecord } from '../../provision/record';
import type { AuthSource } from '../deps';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

export async function baseStamp(dataDir: string, settings: Settings): Promise<string> {
  // What a session is made with; the pool's own size, notifications and the editor are not.
  const { pool: _p, notifications: _n, editor: _e, ...session } = settings;
  const base = await readBaseRecord(dataDir, settings.baseVm);
  return sha(JSON.stringify({ base, session }));
}

/**
 * Which Claude credential a standby's agent was started with, as a digest kept in memory only
 * (never on a record): a claim after the person changed or cleared it starts cold instead.
 */
export async function credentialStamp(auth: AuthSource): Promise<string> {
  const a = await auth.resolve().catch(() => null);
  return a ? sha(`${a.kind}\0${a.value}`) : 'none';
}

/** The files whose change means the dependencies must be installed again. */
export const LOCK_FILES = ['composer.lock', 'package-lock.json'] as const;

/** A fingerprint of a folder's lock files (a missing one counts as missing). */
export async function lockStamp(dir: string): Promise<string> {
  const parts = await Promise.all(
    LOCK_FILES.map((f) => readFile(path.join(dir, f), 'utf8').catch(() => '\0missing')),
  );
  return sha(JSON.stringify(parts));
}
