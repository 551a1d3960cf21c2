// What the contract suite runs against: the simulated host (default) or, with
// CLAVE_CONTRACT_REAL=1 on a Mac, the real `tart` and `herd` (CLAVE_CONTRACT_TART /
// CLAVE_CONTRACT_HERD override their paths; CLAVE_CONTRACT_IMAGE the image, pulled beforehand).
// Real mode uses the machine's own TART_HOME and Herd, names everything clave-contract-<random>,
// and removes it afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimHost, type SimHost, type ToolRun } from '../harness';
import type { HerdProxy } from '../herd/proxy-server';

export const REAL = process.env.CLAVE_CONTRACT_REAL === '1';

export interface SiteResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Real Herd: the .test name resolves through Herd's resolver, its nginx answers on 80/443. */
function fetchDirect(url: string): Promise<SiteResponse> {
  return new Promise((resolve, reject) => {
    const send = url.startsWith('https:') ? httpsGet : httpGet;
    send(url, { rejectUnauthorized: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    }).on('error', reject);
  });
}

export interface Target {
  kind: 'real' | 'simulated';
  image: string;
  /** A fresh VM name (clave-contract-<random>-<suffix>). */
  name(suffix: string): string;
  /** `extraEnv` adds to the tool's environment (e.g. a fault, or another TART_HOME). */
  tart(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<ToolRun>;
  herd(args: string[]): Promise<ToolRun>;
  /** `tart run <name> --no-graphics …` as a long-lived child. */
  run(
    name: string,
    args?: string[],
  ): { child: ChildProcess; stdout: () => string; exited: Promise<number | string> };
  /** A scratch directory on the host (shared into VMs). */
  scratch(): string;
  /** GET a Herd site as a browser on the Mac would (certificates not checked, no redirects). */
  fetchSite(url: string): Promise<SiteResponse>;
  cleanup(): Promise<void>;
}

function exec(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export async function contractTarget(): Promise<Target> {
  const prefix = `clave-contract-${randomBytes(3).toString('hex')}`;
  let sim: SimHost | undefined;
  let env: NodeJS.ProcessEnv;
  let tartBin: string;
  let herdBin: string;
  if (REAL) {
    env = { ...process.env, CI: '1' };
    tartBin = process.env.CLAVE_CONTRACT_TART || 'tart';
    herdBin = process.env.CLAVE_CONTRACT_HERD || 'herd';
  } else {
    sim = await createSimHost({ herdOnPath: true });
    env = { ...sim.processEnv(), CI: '1' };
    tartBin = join(sim.binDir, 'tart');
    herdBin = join(sim.binDir, 'herd');
  }
  const scratchRoot = mkdtempSync(join(REAL ? tmpdir() : sim!.root, 'contract-'));
  const runs: ChildProcess[] = [];
  let herdProxy: Promise<HerdProxy> | undefined;
  const tart = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
    exec(tartBin, args, { ...env, ...extraEnv });
  const herd = (args: string[]) => exec(herdBin, args, env);
  return {
    kind: REAL ? 'real' : 'simulated',
    image: process.env.CLAVE_CONTRACT_IMAGE || 'ghcr.io/cirruslabs/ubuntu:latest',
    name: (suffix) => `${prefix}-${suffix}`,
    tart,
    herd,
    run(name, args = []) {
      const child = spawn(tartBin, ['run', name, '--no-graphics', ...args], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      runs.push(child);
      let out = '';
      child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr?.resume();
      const exited = new Promise<number | string>((r) =>
        child.on('exit', (code, sig) => r(code ?? sig ?? -1)),
      );
      return { child, stdout: () => out, exited };
    },
    scratch: () => mkdtempSync(join(scratchRoot, 'd-')),
    async fetchSite(url) {
      if (!sim) return fetchDirect(url);
      herdProxy ??= sim.startHerdProxy();
      return (await herdProxy).fetch(url);
    },
    async cleanup() {
      for (const c of runs) if (c.exitCode === null && c.signalCode === null) c.kill('SIGINT');
      const list = await tart(['list', '--source', 'local', '--quiet']);
      for (const vm of list.stdout.split('\n').filter((n) => n.startsWith(prefix))) {
        await tart(['stop', vm]);
        await tart(['delete', vm]);
      }
      const proxies = await herd(['proxies']);
      for (const m of proxies.stdout.matchAll(
        new RegExp(`\\|\\s*(${prefix}[\\w-]*)\\s*\\|`, 'g'),
      )) {
        await herd(['unproxy', m[1] ?? '']);
      }
      rmSync(scratchRoot, { recursive: true, force: true });
      await sim?.cleanup();
    },
  };
}
