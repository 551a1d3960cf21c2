// Free space where Tart keeps its VMs. The Ubuntu image's disk is 20 GB (contracts/tart.md §13);
// clones share blocks with the base on APFS until they write, but provisioning, image caches and
// busy sessions grow quickly: below 20 GB a new VM can fail mid-write, 50 GB leaves room to work.
import { statfs } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Check, CheckOutcome } from './check';

export const GB = 1000 ** 3;

export function tartHome(env: NodeJS.ProcessEnv): string {
  return env.TART_HOME || path.join(env.HOME || os.homedir(), '.tart');
}

/** The folder itself, or the nearest parent that exists (TART_HOME is created on first use). */
function existingAncestor(dir: string): string {
  let d = path.resolve(dir);
  while (!existsSync(d) && path.dirname(d) !== d) d = path.dirname(d);
  return d;
}

export async function judgeDisk(
  dir: string,
  limits = { failBelow: 20 * GB, warnBelow: 50 * GB },
): Promise<CheckOutcome> {
  const where = existingAncestor(dir);
  const s = await statfs(where);
  const free = s.bavail * s.bsize;
  const gb = (n: number) => `${(n / GB).toFixed(1)} GB`;
  const detail = `${gb(free)} free for ${dir}`;
  const fix = `Free space on the volume of ${where}: \`tart prune --entries caches --older-than 7\` drops old image downloads, \`clave cleanup\` removes leftover session VMs.`;
  if (free < limits.failBelow)
    return { status: 'fail', detail: `${detail}: a VM needs up to ${gb(limits.failBelow)}.`, fix };
  if (free < limits.warnBelow)
    return { status: 'warn', detail: `${detail}: enough for a VM or two, tight for more.`, fix };
  return { status: 'ok', detail };
}

export const diskCheck: Check = {
  id: 'disk',
  name: 'Disk space for VMs',
  run: (ctx) => judgeDisk(tartHome(ctx.env)),
};
