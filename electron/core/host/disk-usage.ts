// `du -s` for a session copy, without blocking the host: an async walk with lstat (a symlink
// counts as itself and is never followed), allocated blocks as du counts them, each hard-linked
// file once (a `git clone --local` shares its objects with the project), skipping nothing. Bounded:
// past `maxEntries` it gives up rather than keep the disk busy.
import { lstat, opendir } from 'node:fs/promises';
import path from 'node:path';

/** Enough for a Laravel copy with vendor/ and node_modules/ (50k files is a big one). */
export const MAX_DU_ENTRIES = 1_000_000;

/** Bytes the folder takes on disk, or null when it holds more than `maxEntries` entries. */
export async function diskUsage(
  dir: string,
  options: { maxEntries?: number; signal?: AbortSignal } = {},
): Promise<number | null> {
  const max = options.maxEntries ?? MAX_DU_ENTRIES;
  const seen = new Set<string>();
  let entries = 0;
  let bytes = 0;
  const count = async (p: string): Promise<boolean> => {
    options.signal?.throwIfAborted();
    if (++entries > max) return false;
    const st = await lstat(p, { bigint: false }).catch(() => null);
    if (!st) return true; // gone while walking
    if (st.nlink > 1 && !st.isDirectory()) {
      const key = `${st.dev}:${st.ino}`;
      if (seen.has(key)) return true;
      seen.add(key);
    }
    bytes += st.blocks * 512;
    if (!st.isDirectory()) return true;
    const d = await opendir(p).catch(() => null);
    if (!d) return true;
    for await (const e of d) if (!(await count(path.join(p, e.name)))) return false;
    return true;
  };
  return (await count(dir)) ? bytes : null;
}
