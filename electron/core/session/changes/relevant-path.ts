// Which changes in a session copy can change its diff. Not git's object store, logs or locks, and
// not the folders Laravel ignores that an app writes all the time (vendor/, node_modules/,
// storage/, bootstrap/cache/): an agent running tests there would otherwise refresh the view many
// times a second for nothing. Inside .git only HEAD, the index and the refs move the diff.
import path from 'node:path';

const SKIPPED_DIRS = new Set(['vendor', 'node_modules', 'storage', '.clave']);
const GIT_FILES = new Set(['HEAD', 'index', 'packed-refs']);

/** `rel`: a path relative to the copy's root, as fs.watch reports it. */
export function changesTheDiff(rel: string): boolean {
  const parts = rel.split(path.sep).filter((p) => p !== '');
  const [first, second] = parts;
  if (first === undefined) return true;
  if (first === '.git') return second === undefined || GIT_FILES.has(second) || second === 'refs';
  if (SKIPPED_DIRS.has(first)) return false;
  return !(first === 'bootstrap' && second === 'cache');
}
