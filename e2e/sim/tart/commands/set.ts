// `tart set <name> [--cpu] [--memory] [--display] [--[no-]display-refit] [--random-mac] … [--disk-size]`.
import { copyFileSync, openSync, closeSync, ftruncateSync, fstatSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { UINT16, UINT64, type CommandDef, type Parsed } from '../cli';
import { OtherError, RuntimeError } from '../errors';
import type { TartHome } from '../store';
import { MIN_CPU, MIN_MEMORY_BYTES, parseDisplay, randomMac } from '../vmconfig';

export const setDef: CommandDef = {
  name: 'set',
  abstract: "Modify VM's configuration",
  defs: [
    { kind: 'positional', key: 'name', valueName: 'name', help: 'VM name' },
    { kind: 'option', key: 'cpu', long: 'cpu', help: 'Number of VM CPUs', parse: UINT16 },
    {
      kind: 'option',
      key: 'memory',
      long: 'memory',
      help: 'VM memory size in megabytes',
      parse: UINT64,
    },
    {
      kind: 'option',
      key: 'display',
      long: 'display',
      help: 'VM display resolution in a format of WIDTHxHEIGHT[pt|px]. For example, 1200x800, 1200x800pt or 1920x1080px. Units are treated as hints and default to "pt" (points) for macOS VMs and "px" (pixels) for Linux VMs when not specified.',
      parse: parseDisplay,
    },
    {
      kind: 'flag',
      key: 'displayRefit',
      long: 'display-refit',
      inversion: true,
      help: "Whether to automatically reconfigure the VM's display to fit the window",
    },
    {
      kind: 'flag',
      key: 'randomMAC',
      long: 'random-mac',
      help: 'Generate a new random MAC address for the VM.',
    },
    {
      kind: 'flag',
      key: 'randomSerial',
      long: 'random-serial',
      help: 'Generate a new random serial number for the macOS VM.',
    },
    {
      kind: 'option',
      key: 'disk',
      long: 'disk',
      valueName: 'path',
      help: "Replace the VM's disk contents with the disk contents at path.",
    },
    {
      kind: 'option',
      key: 'diskSize',
      long: 'disk-size',
      help: 'Resize the VMs disk to the specified size in GB (note that the disk size can only be increased to avoid losing data)',
      parse: UINT16,
    },
  ],
};

/** ByteCountFormatter's default (file, decimal) style, e.g. "20 GB". */
export function byteCount(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  const digits = i <= 2 ? 0 : v < 10 ? 2 : v < 100 ? 1 : 0;
  return `${i === 0 ? v : Number(v.toFixed(digits))} ${units[i]}`;
}

function lessThanMinimal(msg: string): OtherError {
  return new OtherError(`LessThanMinimalResourcesError: ${msg}`);
}

export async function setCommand(home: TartHome, a: Parsed): Promise<void> {
  const vm = home.openLocal(a.name as string);
  const c = vm.config();
  if (a.cpu !== undefined) {
    const cpu = a.cpu as number;
    if (c.os === 'darwin' && cpu < c.cpuCountMin) {
      throw lessThanMinimal(
        `VM should have ${c.cpuCountMin} CPU cores at minimum (requested ${cpu})`,
      );
    }
    if (cpu < MIN_CPU)
      throw lessThanMinimal(`VM should have ${MIN_CPU} CPU cores at minimum (requested ${cpu})`);
    c.cpuCount = cpu;
  }
  if (a.memory !== undefined) {
    const bytes = (a.memory as number) * 1024 * 1024;
    if (bytes < MIN_MEMORY_BYTES) {
      throw lessThanMinimal(
        `VM should have ${MIN_MEMORY_BYTES} bytes of memory at minimum (requested ${bytes})`,
      );
    }
    c.memorySize = bytes;
  }
  if (a.display !== undefined) {
    const d = a.display as ReturnType<typeof parseDisplay>;
    if (d.width > 0) c.display.width = d.width;
    if (d.height > 0) c.display.height = d.height;
    if (d.unit) c.display.unit = d.unit;
    else delete c.display.unit;
  }
  // The code always assigns it: omitting the flag resets a stored value to "unset".
  if (a.displayRefit === undefined) delete c.displayRefit;
  else c.displayRefit = a.displayRefit as boolean;
  if (a.randomMAC) c.macAddress = randomMac();
  vm.saveConfig(c);

  if (a.disk !== undefined) {
    const tmp = join(home.tmpDir, `set-disk-${process.pid}`);
    try {
      copyFileSync(a.disk as string, tmp);
    } catch (e) {
      throw new OtherError(
        `The file “${a.disk as string}” couldn’t be opened: ${(e as Error).message}`,
      );
    }
    renameSync(tmp, vm.diskPath);
  }
  if (a.diskSize !== undefined) {
    const fd = openSync(vm.diskPath, 'r+');
    try {
      const current = fstatSync(fd).size;
      const desired = (a.diskSize as number) * 1000 ** 3;
      if (desired < current) {
        throw new RuntimeError(
          'InvalidDiskSize',
          `new disk size of ${byteCount(desired)} should be larger than the current disk size of ${byteCount(current)}`,
        );
      }
      if (desired > current) ftruncateSync(fd, desired);
    } finally {
      closeSync(fd);
    }
  }
}
