// Recursive delete that never crosses into another mount. The simulator bind-mounts the host's
// root file system inside guests; should such a mount ever leak into the host's namespace, a plain
// `rm -rf` of a run directory would walk into it and destroy the host. This one refuses instead.
import { lstatSync, readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readText } from './fsx';

export class MountInTheWay extends Error {}

/** Absolute mount points (host mount namespace) at or below dir. */
export function mountsBelow(dir: string): string[] {
  const root = resolve(dir);
  const info = readText('/proc/self/mountinfo') ?? '';
  const out: string[] = [];
  for (const line of info.split('\n')) {
    const mp = line.split(' ')[4];
    if (!mp) continue;
    const path = mp.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    if (path === root || path.startsWith(root + '/')) out.push(path);
  }
  return out;
}

export function safeRemove(dir: string): void {
  let st;
  try {
    st = lstatSync(dir);
  } catch {
    return;
  }
  if (!st.isDirectory()) {
    unlinkSync(dir);
    return;
  }
  const mounts = mountsBelow(dir);
  if (mounts.length > 0) {
    throw new MountInTheWay(`refusing to delete ${dir}: mounts below it: ${mounts.join(', ')}`);
  }
  removeTree(dir, st.dev);
}

function removeTree(dir: string, dev: number): void {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) {
      if (st.dev !== dev)
        throw new MountInTheWay(`refusing to cross into another file system at ${p}`);
      removeTree(p, dev);
    } else {
      unlinkSync(p);
    }
  }
  rmdirSync(dir);
}
