// $TART_HOME laid out like real Tart (Config.swift, VMDirectory.swift, VMStorageLocal.swift):
//   vms/<name>/{config.json,disk.img,nvram.bin}   local VMs
//   cache/OCIs/<host>/<namespace>/<tag|sha256:…>  pulled images
//   tmp/                                          scratch space
// The simulator adds, inside a VM directory, two hidden entries real Tart does not have:
//   .sim-rootfs/  the guest's writable root layer (what the guest wrote to its "disk")
//   .sim-run.json which `tart run` process owns this VM while it runs (real Tart: an fcntl lock
//                 on config.json; both vanish with the process)
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { tartHomeDir } from '../config';
import { isAlive, type ProcRef } from '../util/proc';
import { OtherError, RuntimeError } from './errors';
import { readConfig, writeConfig, type VMConfig } from './vmconfig';
import { listDir } from '../util/fsx';

export type VMState = 'running' | 'suspended' | 'stopped';

export interface RunMarker extends ProcRef {
  /** The per-run directory under the simulator's run dir. */
  runId: string;
}

export class VMDir {
  constructor(
    readonly path: string,
    readonly name: string,
  ) {}

  get configPath(): string {
    return join(this.path, 'config.json');
  }
  get diskPath(): string {
    return join(this.path, 'disk.img');
  }
  get nvramPath(): string {
    return join(this.path, 'nvram.bin');
  }
  get statePath(): string {
    return join(this.path, 'state.vzvmsave');
  }
  get rootfsDir(): string {
    return join(this.path, '.sim-rootfs');
  }
  get runMarkerPath(): string {
    return join(this.path, '.sim-run.json');
  }

  get initialized(): boolean {
    return existsSync(this.configPath) && existsSync(this.diskPath) && existsSync(this.nvramPath);
  }

  config(): VMConfig {
    return readConfig(this.configPath);
  }

  saveConfig(c: VMConfig): void {
    writeConfig(this.configPath, c);
  }

  /** The live `tart run` owning this VM, if any. */
  runMarker(): RunMarker | undefined {
    try {
      const m = JSON.parse(readFileSync(this.runMarkerPath, 'utf8')) as RunMarker;
      return isAlive(m) ? m : undefined;
    } catch {
      return undefined;
    }
  }

  running(): boolean {
    return this.runMarker() !== undefined;
  }

  state(): VMState {
    if (this.running()) return 'running';
    if (existsSync(this.statePath)) return 'suspended';
    return 'stopped';
  }

  private size(p: string, allocated: boolean): number {
    try {
      const st = statSync(p);
      return allocated ? st.blocks * 512 : st.size;
    } catch {
      return 0;
    }
  }

  sizeBytes(): number {
    return [this.configPath, this.diskPath, this.nvramPath].reduce(
      (s, p) => s + this.size(p, false),
      0,
    );
  }

  allocatedSizeBytes(): number {
    return [this.configPath, this.diskPath, this.nvramPath].reduce(
      (s, p) => s + this.size(p, true),
      0,
    );
  }

  accessDate(): Date {
    try {
      return statSync(this.path).atime;
    } catch {
      return new Date();
    }
  }

  touch(): void {
    try {
      const now = new Date();
      utimesSync(this.path, now, statSync(this.path).mtime);
    } catch {
      // best effort, like URL+AccessDate.swift
    }
  }
}

export class TartHome {
  private constructor(readonly root: string) {}

  /** Config(): creates missing components of TART_HOME, or fails like Tart. */
  static open(env: NodeJS.ProcessEnv = process.env): TartHome {
    const root = tartHomeDir(env);
    try {
      mkdirSync(root, { recursive: true });
      if (!statSync(root).isDirectory()) throw new Error('not a directory');
      for (const d of ['vms', 'cache/OCIs', 'tmp']) mkdirSync(join(root, d), { recursive: true });
    } catch (e) {
      throw new OtherError(`TART_HOME is invalid: ${(e as Error).message}`);
    }
    return new TartHome(root);
  }

  get vmsDir(): string {
    return join(this.root, 'vms');
  }
  get ociDir(): string {
    return join(this.root, 'cache', 'OCIs');
  }
  get tmpDir(): string {
    return join(this.root, 'tmp');
  }
  /** The global lock `clone`/`run` hold while they copy or start a VM. */
  get lockPath(): string {
    return join(this.root, '.sim-lock');
  }

  vm(name: string): VMDir {
    return new VMDir(join(this.vmsDir, name), name);
  }

  existsLocal(name: string): boolean {
    return this.vm(name).initialized;
  }

  /** VMStorageLocal.open(): missing directory → exit 2; missing files → exit 1. */
  openLocal(name: string): VMDir {
    const d = this.vm(name);
    if (!existsSync(d.path)) throw RuntimeError.doesNotExist(name);
    if (!d.initialized) {
      throw new RuntimeError(
        'Generic',
        'VM is missing some of its files (config.json, disk.img or nvram.bin)',
      );
    }
    return d;
  }

  localVMs(): VMDir[] {
    return listDir(this.vmsDir)
      .filter((n) => !n.startsWith('.'))
      .map((n) => this.vm(n))
      .filter((d) => d.initialized);
  }

  /** VMStorageLocal.move(): replaceItemAt, i.e. an existing VM of that name is overwritten. */
  moveIntoPlace(name: string, from: string, removeExisting: (p: string) => void): void {
    const target = this.vm(name).path;
    if (existsSync(target)) removeExisting(target);
    renameSync(from, target);
  }
}
