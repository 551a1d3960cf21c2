// The world every fault-matrix row runs in: one simulated host (one TART_HOME, one Herd) with a
// base VM, one in-process session host, and the user's own things planted next to Clave's — two
// Herd proxies and a VM named like Clave's. After each row the runner asks three questions of it:
// is any planted work lost, is anything of Clave's left behind, was any user item touched.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { dataPaths } from '../../electron/core/config/paths';
import { Settings } from '../../electron/core/config/settings';
import { createHostRuntime, type HostRuntime } from '../../electron/core/compose';
import {
  createSimWorld,
  provisionBase,
  type SimWorld,
} from '../../electron/core/session/testing/sim-env';
import { leftovers as simLeftovers } from '../sim/leaks';
import { ProcessHosts } from './process-host';

export const BASE_VM = 'clave-base';
/** The user's own VM, named like a session VM; stopped, so the sim counts no run state for it. */
export const USER_VM = 'clave-mybackup';
/** The user's own Herd proxies: `<name>-<8 letters>`, like Clave's, pointing into its port range. */
export const USER_PROXIES = [
  ['shop-frontend', 'http://127.0.0.1:8090'],
  ['api-services', 'http://127.0.0.1:5173'],
] as const;

/** Fast timeouts: rows that wait for something that never comes should not wait long. */
export const FAST = {
  vm: { cpus: 1, memoryMb: 1024 },
  // Generous for a loaded CI machine; the rows that wait for what never comes use faults that fail
  // at once (run-start-fail) or a short mount deadline.
  timeouts: { ipSeconds: 30, sshSeconds: 30, mountSeconds: 3, commandSeconds: 60 },
  // No standby VMs (session/pool/): every row counts exactly what its sessions leave.
  pool: { size: 0 },
};

/** A piece of the agent's work a row planted: it must survive in the copy, its branch, or main. */
export interface Work {
  project: string;
  /** The session; none for the user's own work in the main project. */
  id?: string;
  file: string;
  content: string;
}

export interface RowOutcome {
  work?: Work[];
  /** Sessions whose copy is rightly kept (it holds work): not leftovers. */
  kept?: string[];
}

export interface MatrixWorld {
  world: SimWorld;
  /** The shared in-process session host. */
  runtime: HostRuntime;
  /** A new Laravel project for this row (tracked for the leftover check). */
  project(name: string): string;
  /** Another session host with other settings or environment, on its own data dir. */
  extraHost(settings?: object, env?: NodeJS.ProcessEnv): Promise<HostRuntime>;
  /** A port range of one port, held by someone else until the row ends. */
  blockedPortRange(): Promise<{ from: number; to: number }>;
  /** Session hosts as `clave serve` processes on one data dir, shared by the rows that kill them. */
  processHosts(): ProcessHosts;
  /** A VM this row made as a fixture (e.g. a broken base): not a leftover of Clave's. */
  fixtureVm(name: string): void;
  /** The data dir and environment a separate `clave serve` process of this row uses. */
  processHome(): { home: string; env: NodeJS.ProcessEnv };
  git(cwd: string, ...args: string[]): string;
}

export interface RowCheck {
  workLost: string[];
  leftovers: string[];
  userItemsTouched: string[];
}

export class Matrix implements MatrixWorld {
  private rowProjects: string[] = [];
  private extras: HostRuntime[] = [];
  private homes: string[] = [];
  private userSnapshot = '';
  private homeCount = 0;
  private readonly fixtures = new Set<string>();
  private readonly blockers: net.Server[] = [];
  private hosts: ProcessHosts | undefined;

  private constructor(
    readonly world: SimWorld,
    readonly runtime: HostRuntime,
  ) {}

  static async create(): Promise<Matrix> {
    const world = await createSimWorld();
    // A credential no other test on this machine uses, so a scan of every process finds only ours.
    world.env.ANTHROPIC_API_KEY = `sk-ant-api03-fault-matrix-${randomBytes(12).toString('hex')}`;
    await provisionBase(world);
    await plantUserItems(world);
    const runtime = await createHostRuntime({
      paths: dataPaths(world.claveHome),
      settings: Settings.parse(FAST),
      face: 'cli',
      env: world.env,
    });
    await runtime.reconciled;
    const m = new Matrix(world, runtime);
    m.userSnapshot = await m.userItems();
    return m;
  }

  project(name: string): string {
    const dir = this.world.project(name);
    this.rowProjects.push(dir);
    return dir;
  }

  git(cwd: string, ...args: string[]): string {
    return execFileSync('git', args, {
      cwd,
      env: this.world.env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  }

  async extraHost(settings: object = {}, env: NodeJS.ProcessEnv = this.world.env) {
    const { home } = this.processHome();
    const rt = await createHostRuntime({
      paths: dataPaths(home),
      settings: Settings.parse({ ...FAST, ...settings }),
      face: 'cli',
      env: { ...env, CLAVE_HOME: home },
    });
    await rt.reconciled;
    this.extras.push(rt);
    return rt;
  }

  async blockedPortRange() {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    this.blockers.push(blocker);
    const port = (blocker.address() as net.AddressInfo).port;
    return { from: port, to: port };
  }

  processHosts(): ProcessHosts {
    this.hosts ??= new ProcessHosts(this.world.sim.root, this.world.env, FAST);
    return this.hosts;
  }

  fixtureVm(name: string): void {
    this.fixtures.add(name);
  }

  processHome() {
    const home = path.join(this.world.sim.root, `clave-${++this.homeCount}`);
    mkdirSync(home, { recursive: true });
    writeFileSync(path.join(home, 'settings.json'), JSON.stringify(FAST));
    this.homes.push(home);
    return { home, env: { ...this.world.env, CLAVE_HOME: home } };
  }

  /** What the user owns, as text: their proxies' lines in `herd proxies`, their VM's config. */
  private async userItems(host?: HostState): Promise<string> {
    const { proxies } = host ?? (await this.hostState());
    const vmDir = path.join(this.world.sim.env.TART_HOME!, 'vms', USER_VM);
    const config = existsSync(vmDir) ? readFileSync(path.join(vmDir, 'config.json'), 'utf8') : '';
    return JSON.stringify({
      proxies: proxies.split('\n').filter((l) => USER_PROXIES.some(([n]) => l.includes(`${n}.`))),
      config,
    });
  }

  /** One `tart list` and one `herd proxies` per check: every tool call costs on a loaded machine. */
  private async hostState(): Promise<HostState> {
    const list = await this.world.tart('list', '--source', 'local', '--format', 'json');
    return {
      vms: (JSON.parse(list) as { Name: string }[]).map((v) => v.Name),
      proxies: await this.world.herd('proxies'),
    };
  }

  /** After a row: the three questions, then whatever the row left is cleared for the next one. */
  async check(outcome: RowOutcome): Promise<RowCheck> {
    for (const rt of this.extras.splice(0)) await rt.shutdown().catch(() => {});
    const workLost = (outcome.work ?? []).filter((w) => !this.survives(w)).map(describeWork);
    const host = await this.hostState();
    const leftovers = this.leftovers(new Set(outcome.kept ?? []), host);
    const now = await this.userItems(host);
    const userItemsTouched = now === this.userSnapshot ? [] : [`user items changed: ${now}`];
    await this.clearRow(host);
    // Put back what a failing row took, so the next row is judged on its own.
    if (userItemsTouched.length) {
      await this.world.tart('delete', USER_VM).catch(() => {});
      await plantUserItems(this.world);
      this.userSnapshot = await this.userItems();
    }
    return { workLost, leftovers, userItemsTouched };
  }

  private survives(w: Work): boolean {
    if (w.id === undefined) {
      const file = path.join(w.project, w.file);
      return existsSync(file) && readFileSync(file, 'utf8') === w.content;
    }
    const copy = path.join(w.project, '.clave', 'wt', `s-${w.id}`, w.file);
    if (existsSync(copy) && readFileSync(copy, 'utf8') === w.content) return true;
    for (const ref of [`clave/s-${w.id}`, 'HEAD']) {
      try {
        if (this.git(w.project, 'show', `${ref}:${w.file}`) === w.content.trim()) return true;
      } catch {
        // not on that ref
      }
    }
    return false;
  }

  private leftovers(kept: Set<string>, host: HostState): string[] {
    // Only this world's: the matrix may run beside other files, whose VMs die on purpose.
    const out: string[] = simLeftovers(this.world.sim.env.TART_HOME!, { ownOnly: true });
    for (const vm of host.vms)
      if (vm !== BASE_VM && vm !== USER_VM && !this.fixtures.has(vm)) out.push(`VM ${vm}`);
    for (const site of claveLikeProxies(host.proxies)) out.push(`proxy ${site}`);
    for (const s of this.runtime.host.list())
      if (!kept.has(s.id)) out.push(`record ${s.id} (${s.state})`);
    for (const project of this.rowProjects) {
      const wt = path.join(project, '.clave', 'wt');
      for (const d of existsSync(wt) ? readdirSync(wt) : [])
        if (!kept.has(d.replace(/^s-/, ''))) out.push(`copy ${path.join(wt, d)}`);
      const branches = existsSync(project) ? this.git(project, 'branch', '--list', 'clave/*') : '';
      for (const b of branches.split('\n').map((l) => l.replace(/^[*+ ]+/, '').trim()))
        if (b && !kept.has(b.replace(/^clave\/s-/, ''))) out.push(`branch ${b} in ${project}`);
    }
    return out;
  }

  /** Leaves the next row a clean host: this row's projects, VMs, proxies and records go. */
  private async clearRow(host: HostState): Promise<void> {
    for (const s of this.runtime.host.list())
      await this.runtime.host.stop(s.id, 'discard', true).catch(() => {});
    for (const name of this.world.sim.runningVMs())
      if (name !== USER_VM) await this.world.tart('stop', name).catch(() => {});
    for (const vm of host.vms)
      if (vm !== BASE_VM && vm !== USER_VM) await this.world.tart('delete', vm).catch(() => {});
    for (const site of claveLikeProxies(host.proxies))
      await this.world.herd('unproxy', site).catch(() => {});
    for (const b of this.blockers.splice(0)) b.close();
    for (const p of this.rowProjects.splice(0)) rmSync(p, { recursive: true, force: true });
    for (const h of this.homes.splice(0)) rmSync(h, { recursive: true, force: true });
    this.world.sim.clearFaults();
  }

  async cleanup(): Promise<void> {
    await this.hosts?.stop();
    await this.runtime.shutdown().catch(() => {});
    await this.world.cleanup();
  }
}

interface HostState {
  vms: string[];
  proxies: string;
}

/** Proxies named like Clave's (`<name>-<8 letters/digits>`) that are not the user's. */
function claveLikeProxies(herdProxies: string): string[] {
  return herdProxies
    .split('\n')
    .map((line) => /\b([a-z0-9-]+-[a-z0-9]{8})\.test\b/.exec(line)?.[1])
    .filter((site): site is string => !!site && !USER_PROXIES.some(([n]) => n === site));
}

async function plantUserItems(world: SimWorld): Promise<void> {
  await world.tart('clone', 'ghcr.io/cirruslabs/ubuntu:latest', USER_VM);
  for (const [name, url] of USER_PROXIES) await world.herd('proxy', name, url);
}

function describeWork(w: Work): string {
  return `${w.file} of ${w.id ? `session ${w.id}` : 'the user'} in ${w.project}`;
}
