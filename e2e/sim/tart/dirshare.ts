// `tart run --dir [name:]path[:options]` parsing and grouping (Tart's DirectoryShare and
// Run.directoryShares()). Options are recognised only in the last `:`-separated field: `ro` and
// `tag=<TAG>`; the default tag is com.apple.virtio-fs.automount. One unnamed share on a tag is
// mounted as the directory itself; named shares appear as subdirectories named after them.
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { ValidationError } from './cli';

export const AUTOMOUNT_TAG = 'com.apple.virtio-fs.automount';

export interface DirShare {
  name: string | undefined;
  path: string;
  readOnly: boolean;
  tag: string;
}

function expandTilde(p: string): string {
  if (p === '~') return process.env.HOME || homedir();
  if (p.startsWith('~/')) return (process.env.HOME || homedir()) + p.slice(1);
  return p;
}

export function parseDirShare(arg: string): DirShare {
  // Swift's split(separator:) drops empty pieces.
  const parts = arg.split(':').filter((p) => p !== '');
  let readOnly = false;
  let tag = AUTOMOUNT_TAG;
  let found = false;
  for (const option of (parts[parts.length - 1] ?? '').split(',').filter(Boolean)) {
    if (option === 'ro') {
      readOnly = true;
      found = true;
    } else if (option.startsWith('tag=')) {
      tag = option.slice(4);
      found = true;
    }
  }
  if (found) parts.pop();
  const rest = parts.join(':');
  if (rest.startsWith('http:') || rest.startsWith('https:')) {
    throw new ValidationError(
      'remote (archive) directory shares are not supported by the simulator',
    );
  }
  const colon = rest.indexOf(':');
  const name = colon >= 0 ? rest.slice(0, colon) : undefined;
  const path = colon >= 0 ? rest.slice(colon + 1) : rest;
  return { name, path: resolve(expandTilde(path)), readOnly, tag };
}

/** Groups by tag; throws like Tart when a tag mixes unnamed and several shares. Last name wins. */
export function groupShares(shares: DirShare[]): Map<string, DirShare[]> {
  const byTag = new Map<string, DirShare[]>();
  for (const s of shares) byTag.set(s.tag, [...(byTag.get(s.tag) ?? []), s]);
  for (const [tag, list] of byTag) {
    if (list.length === 1 && list[0]?.name === undefined) continue;
    if (list.some((s) => s.name === undefined)) {
      throw new ValidationError(
        'invalid --dir syntax: for multiple directory shares each one of them should be named',
      );
    }
    const byName = new Map<string, DirShare>();
    for (const s of list) byName.set(s.name ?? '', s);
    byTag.set(tag, [...byName.values()]);
  }
  return byTag;
}
