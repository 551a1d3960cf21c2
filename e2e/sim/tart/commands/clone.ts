// `tart clone <source-name> <new-name>` (Sources/tart/Commands/Clone.swift, 2.35).
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { findFault, loadFaults } from '../../faults';
import { withLock } from '../../util/lock';
import { safeRemove } from '../../util/safe-rm';
import { UINT64, ValidationError, type CommandDef, type Parsed } from '../cli';
import { OtherError, RuntimeError } from '../errors';
import { REGISTRY_DEFS } from './pull';
import { cachedImage, isRemoteName, parseRemoteName, pull } from '../oci';
import { VMDir, type TartHome } from '../store';
import { randomMac } from '../vmconfig';

export const cloneDef: CommandDef = {
  name: 'clone',
  abstract: 'Clone a VM',
  defs: [
    { kind: 'positional', key: 'sourceName', valueName: 'source-name', help: 'source VM name' },
    { kind: 'positional', key: 'newName', valueName: 'new-name', help: 'new VM name' },
    ...REGISTRY_DEFS,
    {
      kind: 'flag',
      key: 'stacked',
      long: 'stacked',
      help: 'create a stacked disk that uses the source image as an immutable base',
    },
    {
      kind: 'option',
      key: 'pruneLimit',
      long: 'prune-limit',
      valueName: 'n',
      help: 'limit automatic pruning to n gigabytes',
      parse: UINT64,
    },
  ],
};

/** Copies a VM directory's files (disk sparsely, like APFS clonefile costs nothing). */
export function copyVM(src: VMDir, dest: string): void {
  mkdirSync(dest, { recursive: true });
  const files = ['config.json', 'nvram.bin', 'disk.img'];
  execFileSync('cp', ['--sparse=always', ...files.map((f) => join(src.path, f)), dest]);
  try {
    execFileSync('cp', ['-p', join(src.path, 'state.vzvmsave'), dest], { stdio: 'ignore' });
  } catch {
    // not suspended
  }
  // The guest's root layer: files only (the overlay work dir is per-mount scratch).
  const upper = join(src.rootfsDir, 'upper');
  mkdirSync(join(dest, '.sim-rootfs'), { recursive: true });
  execFileSync('cp', ['-a', upper, join(dest, '.sim-rootfs', 'upper')]);
}

export async function clone(home: TartHome, a: Parsed): Promise<void> {
  const sourceName = a.sourceName as string;
  const newName = a.newName as string;
  if (newName.includes('/')) throw new ValidationError('<new-name> should be a local name');
  if (a.concurrency !== undefined && (a.concurrency as number) < 1) {
    throw new ValidationError('network concurrency cannot be less than 1');
  }
  const remote = isRemoteName(sourceName) ? parseRemoteName(sourceName) : undefined;
  if (a.stacked) {
    if (!remote) throw new ValidationError('--stacked requires a remote image');
    throw new ValidationError('--stacked currently supports only macOS images');
  }
  if (remote && !cachedImage(home, remote)) await pull(home, remote);

  let source: VMDir;
  if (remote) {
    const c = cachedImage(home, remote);
    if (!c) throw RuntimeError.doesNotExist(sourceName);
    source = c;
  } else {
    source = home.openLocal(sourceName);
  }

  const tmp = join(home.tmpDir, `clone-${process.pid}-${Date.now()}`);
  try {
    await withLock(home.lockPath, () => {
      if (findFault(loadFaults(), 'clone-disk-full', newName)) {
        throw new OtherError(
          `Error Domain=NSCocoaErrorDomain Code=640 "The file couldn’t be saved because there isn’t enough space." UserInfo={NSUnderlyingError=Error Domain=NSPOSIXErrorDomain Code=28 "No space left on device"}`,
        );
      }
      copyVM(source, tmp);
      // Clone regenerates the MAC only if another local VM already uses the source's MAC.
      const mac = source.config().macAddress;
      const suspended = source.state() === 'suspended';
      const duplicate = home.localVMs().some((d) => {
        try {
          return d.config().macAddress === mac;
        } catch {
          return false;
        }
      });
      if (duplicate && !suspended) {
        const t = new VMDir(tmp, newName);
        const c = t.config();
        c.macAddress = randomMac();
        t.saveConfig(c);
        rmSync(t.statePath, { force: true });
      }
      home.moveIntoPlace(newName, tmp, safeRemove);
      home.vm(newName).touch();
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
