// Which changes in a session copy can change its diff. Not git's object store or logs, and not
// the folders Laravel ignores that an app writes all the time (vendor/, node_modules/, storage/,
// bootstrap/cache/): an agent running tests there would otherwise refresh the view many times a
// second for nothing, and watching them costs a watch per folder. Inside .git only HEAD, the
// index and the refs move the diff (index.lock, COMMIT_EDITMSG, FETCH_HEAD… do not).

/** Folders (relative to the copy) that are not watched at all. */
export const UNWATCHED = [
  '.git/objects',
  '.git/logs',
  'vendor',
  'node_modules',
  'storage',
  'bootstrap/cache',
  '.clave',
] as const;

const GIT_FILES = new Set(['HEAD', 'index', 'packed-refs', 'refs']);

/** `rel`: a path relative to the copy's root, `/`-separated. */
export function changesTheDiff(rel: string): boolean {
  if (UNWATCHED.some((u) => rel === u || rel.startsWith(`${u}/`))) return false;
  if (!rel.startsWith('.git/')) return true;
  return GIT_FILES.has(rel.split('/')[1] ?? '');
}
