// The simulated Mac for integration tests: one call gives a clean TART_HOME, a HOME with Herd
// installed where Clave looks for it, fast boot settings, a fault control file, host services and
// a cleanup that stops every VM it started and removes every file. See README.md.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIM_DIR, simSettings } from './config';
import { formatFaults, parseFaults, type Fault } from './faults';
import { PROFILE_ENV, profileName, type ProfileName } from './profile';
import { startHerdProxy, type HerdProxy } from './herd/proxy-server';
import { startHostServices, type HostServices, type HostServicesOptions } from './services';
import { reset } from './reset-host';
import { gc } from './tart/runtime';
import { TartHome } from './tart/store';
import { isAlive, killRef, sleep } from './util/proc';
import { safeRemove } from './util/safe-rm';

export const SIM_BIN = join(SIM_DIR, 'bin');

export interface SimHostOptions {
  /** ms from `tart run` until `tart ip` answers (default 150). */
  bootDelayMs?: number;
  /** ms from the lease until sshd listens (default 100). */
  sshdDelayMs?: number;
  /** `tart ip --wait` poll interval (default 200; real Tart polls every 1000). */
  ipPollMs?: number;
  /** Initial faults (control-file syntax, see faults.ts). */
  faults?: string;
  /** Install the herd stand-in under HOME as Herd does (default true). False simulates "no Herd". */
  herd?: boolean;
  /** Put herd on PATH too (default false: Clave should find it under HOME). */
  herdOnPath?: boolean;
  /**
   * Timing profile (profile.ts; default: CLAVE_SIM_PROFILE, else `fast`). Under `mac` the three
   * delays above are ignored: the profile sets them.
   */
  profile?: ProfileName;
}

export interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface SimHost {
  /** Temp dir holding everything below. */
  root: string;
  tartHome: string;
  /** A HOME for the product: Herd lives in HOME/Library/Application Support/Herd. */
  home: string;
  herdHome: string;
  /** Where `herd` is installed (HOME/Library/Application Support/Herd/bin/herd), if installed. */
  herdBin: string | undefined;
  /** Directory to put first on PATH (has `tart`, and `herd` if herdOnPath). */
  binDir: string;
  faultsFile: string;
  /** The environment variables that point a process at this simulated host. */
  env: Record<string, string>;
  /** process.env merged with env (for spawning the product or tools). */
  processEnv(): NodeJS.ProcessEnv;
  /** Applies env to process.env (for in-process product code); returns an undo function. */
  applyToProcessEnv(): () => void;
  setFaults(faults: string | Array<Partial<Fault> & { name: Fault['name'] }>): void;
  clearFaults(): void;
  tart(args: string[], opts?: { timeoutMs?: number }): Promise<ToolRun>;
  herd(args: string[]): Promise<ToolRun>;
  /** MySQL/Redis listeners on the gateway (192.168.64.1). Closed by cleanup() if still open. */
  startServices(opts: HostServicesOptions): Promise<HostServices>;
  /** Herd's nginx stand-in over this host's proxies. Closed by cleanup() if still open. */
  startHerdProxy(): Promise<HerdProxy>;
  /** Makes a running VM fail: 'error' = Virtualization error (tart run exits 0), 'kill' = SIGKILL. */
  crashVm(name: string, how: 'error' | 'kill'): void;
  runningVMs(): string[];
  /** Stops every VM of this TART_HOME, closes services and proxies, removes all files. */
  cleanup(): Promise<void>;
}

function run(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 60_000,
): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
  });
}

export async function createSimHost(opts: SimHostOptions = {}): Promise<SimHost> {
  // A misspelt profile fails here, before anything exists, not in the first `tart run`.
  profileName(opts.profile ? { [PROFILE_ENV]: opts.profile } : process.env);
  const root = mkdtempSync(join(tmpdir(), 'tart-sim-'));
  const tartHome = join(root, 'tart');
  const home = join(root, 'home');
  const herdHome = join(home, 'Library', 'Application Support', 'Herd');
  const faultsFile = join(root, 'faults');
  mkdirSync(home, { recursive: true });
  writeFileSync(faultsFile, opts.faults ? formatFaults(parseFaults(opts.faults)) : '');
  let binDir = SIM_BIN;
  let herdBin: string | undefined;
  if (opts.herd !== false) {
    herdBin = join(herdHome, 'bin', 'herd');
    mkdirSync(join(herdHome, 'bin'), { recursive: true });
    symlinkSync(join(SIM_BIN, 'herd'), herdBin);
  }
  if (!opts.herdOnPath) {
    // A bin dir with tart only, so `herd` resolves only where Herd installs it.
    binDir = join(root, 'bin');
    mkdirSync(binDir);
    symlinkSync(join(SIM_BIN, 'tart'), join(binDir, 'tart'));
  }
  const env: Record<string, string> = {
    PATH: `${binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: home,
    TART_HOME: tartHome,
    TART_SIM_HERD_HOME: herdHome,
    TART_SIM_BOOT_DELAY_MS: String(opts.bootDelayMs ?? 150),
    TART_SIM_SSHD_DELAY_MS: String(opts.sshdDelayMs ?? 100),
    TART_SIM_IP_POLL_MS: String(opts.ipPollMs ?? 200),
    TART_SIM_FAULTS_FILE: faultsFile,
    ...(opts.profile ? { [PROFILE_ENV]: opts.profile } : {}),
  };
  const processEnv = () => ({ ...process.env, ...env });
  const closers: Array<() => Promise<void>> = [];

  const host: SimHost = {
    root,
    tartHome,
    home,
    herdHome,
    herdBin,
    binDir,
    faultsFile,
    env,
    processEnv,
    applyToProcessEnv() {
      const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
      Object.assign(process.env, env);
      return () => {
        for (const [k, v] of Object.entries(saved)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      };
    },
    setFaults(faults) {
      writeFileSync(
        faultsFile,
        typeof faults === 'string' ? formatFaults(parseFaults(faults)) : formatFaults(faults),
      );
    },
    clearFaults() {
      writeFileSync(faultsFile, '');
    },
    tart: (args, o) => run(join(SIM_BIN, 'tart'), args, processEnv(), o?.timeoutMs),
    herd: (args) => run(join(SIM_BIN, 'herd'), args, processEnv()),
    async startServices(o) {
      const svc = await startHostServices(o);
      let closed = false;
      const close = async () => {
        if (closed) return;
        closed = true;
        await svc.close();
      };
      closers.push(close);
      return { ...svc, close };
    },
    async startHerdProxy() {
      const p = await startHerdProxy({ herdHome });
      closers.push(() => p.close());
      return p;
    },
    crashVm(name, how) {
      const owner = TartHome.open({ TART_HOME: tartHome }).vm(name).runMarker();
      if (!owner) throw new Error(`VM ${name} is not running`);
      killRef(owner, how === 'error' ? 'SIGPWR' : 'SIGKILL');
    },
    runningVMs() {
      return TartHome.open({ TART_HOME: tartHome })
        .localVMs()
        .filter((d) => d.running())
        .map((d) => d.name);
    },
    async cleanup() {
      const th = TartHome.open({ TART_HOME: tartHome });
      const owners = th
        .localVMs()
        .map((d) => d.runMarker())
        .filter((o) => o !== undefined);
      for (const o of owners) killRef(o, 'SIGINT');
      for (let i = 0; i < 100 && owners.some(isAlive); i++) await sleep(50);
      for (const o of owners) killRef(o, 'SIGKILL');
      for (let i = 0; i < 50 && owners.some(isAlive); i++) await sleep(20);
      for (const c of closers.splice(0)) await c().catch(() => undefined);
      // Stragglers: a `tart` of this TART_HOME that had not registered its VM yet.
      reset({ tartHome });
      gc(simSettings());
      safeRemove(root);
    },
  };
  return host;
}
