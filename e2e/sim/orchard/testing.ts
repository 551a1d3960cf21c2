// Test helper: a simulated Orchard controller (`tart-sim orchard`, a separate process like the
// real one) whose workers run VMs in a SimHost. For session tests and the demo:
//
//   const orchard = await startSimOrchard({ sim });      // or no `sim`: it makes and removes one
//   orchard.url                                          // http://127.0.0.1:N/v1
//   orchard.account                                      // { name, token } (compute:read/write/connect)
//   orchard.env                                          // CLAVE_ORCHARD_URL, CLAVE_ORCHARD_ACCOUNT
//   await orchard.fault({ kind: 'worker-lost', worker: 'mac-mini-1' });
//   await orchard.stop();                                // deletes every VM it made, nothing left
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createSimHost, SIM_BIN, type SimHost } from '../harness';
import type { Role } from './auth';
import type { OrchardFault } from './server';

export type { OrchardFault } from './server';

export interface SimOrchardOptions {
  /** The simulated Mac(s) the workers run VMs on; default: a new SimHost, removed by stop(). */
  sim?: SimHost;
  /** The service account (default: a random `clave` account with compute read/write/connect);
   *  `false` runs unauthenticated like `orchard dev`. */
  serviceAccount?: { name: string; token: string; roles?: Role[] } | false;
  /** More accounts (e.g. one lacking a role, to test refusals). */
  extraAccounts?: Array<{ name: string; token: string; roles: Role[] }>;
  /** Number of workers (default 2: mac-mini-1, mac-mini-2). */
  workers?: number;
  /** How long a lost worker's VMs stay as they were before turning failed (default 3000 ms). */
  workerOfflineTimeoutMs?: number;
  /** How long a worker pulls an image it runs for the first time (default 0). */
  pullMs?: number;
}

export interface SimOrchard {
  /** The API base, e.g. http://127.0.0.1:41234/v1 (what Clave's `backend.url` takes). */
  url: string;
  account: { name: string; token: string } | undefined;
  /** CLAVE_ORCHARD_URL and (with an account) CLAVE_ORCHARD_ACCOUNT for the product's process. */
  env: Record<string, string>;
  sim: SimHost;
  /** Basic auth header value for the account (for a test's own requests). */
  authorization(account?: { name: string; token: string }): string;
  fault(f: OrchardFault): Promise<unknown>;
  /** The controller's view: VMs as the API shows them, workers with `online` and their tart VMs. */
  state(): Promise<{
    vms: Array<Record<string, unknown>>;
    workers: Array<{ name: string; online: boolean; disks: string[] }>;
    portForwards: number;
  }>;
  /** The controller's last 64 KiB of stderr: an access log (method, path, status) and errors. */
  log(): string;
  /** SIGTERM: the controller deletes its VMs (tart stop + delete) and exits. Idempotent. */
  stop(): Promise<void>;
}

function accountArg(a: { name: string; token: string; roles?: Role[] }): string {
  return `${a.name}:${a.token}${a.roles ? `:${a.roles.join(',')}` : ''}`;
}

export async function startSimOrchard(opts: SimOrchardOptions = {}): Promise<SimOrchard> {
  const ownSim = !opts.sim;
  const sim = opts.sim ?? (await createSimHost());
  const account =
    opts.serviceAccount === false
      ? undefined
      : (opts.serviceAccount ?? { name: 'clave', token: randomBytes(16).toString('hex') });
  const args = [
    'orchard',
    '--port',
    '0',
    '--workers',
    String(opts.workers ?? 2),
    '--stdin-lifeline',
  ];
  if (opts.workerOfflineTimeoutMs !== undefined) {
    args.push('--worker-offline-timeout', `${opts.workerOfflineTimeoutMs}ms`);
  }
  if (opts.pullMs !== undefined) args.push('--pull-time', `${opts.pullMs}ms`);
  // Through the environment, not argv: /proc/<pid>/cmdline is readable by everyone.
  const accounts = [...(account ? [account] : []), ...(opts.extraAccounts ?? [])];
  const child: ChildProcess = spawn(join(SIM_BIN, 'tart-sim'), args, {
    env: { ...sim.processEnv(), TART_SIM_ORCHARD_ACCOUNTS: accounts.map(accountArg).join(' ') },
    // stdin is the lifeline: when this process dies, the controller stops and removes its VMs.
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr
    ?.setEncoding('utf8')
    .on('data', (d: string) => (stderr = (stderr + d).slice(-65536)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let url: string;
  try {
    url = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      lines.once('line', (l) => resolve(l.trim()));
      void exited.then(() => reject(new Error(`tart-sim orchard exited: ${stderr}`)));
    });
  } catch (e) {
    // A failed start leaves nothing behind either.
    if (ownSim) await sim.cleanup();
    throw e;
  }
  const origin = new URL(url).origin;
  const authorization = (a = account) =>
    a ? `Basic ${Buffer.from(`${a.name}:${a.token}`).toString('base64')}` : '';
  const sim_ = async (path: string, body?: unknown) => {
    const r = await fetch(`${origin}/sim/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const json: unknown = await r.json();
    if (!r.ok) throw new Error(`sim orchard ${path}: ${r.status} ${JSON.stringify(json)}`);
    return json;
  };
  let stopped: Promise<void> | undefined;
  return {
    url,
    account: account ? { name: account.name, token: account.token } : undefined,
    env: {
      CLAVE_ORCHARD_URL: url,
      ...(account ? { CLAVE_ORCHARD_ACCOUNT: `${account.name}:${account.token}` } : {}),
    },
    sim,
    authorization,
    fault: (f) => sim_('fault', f),
    log: () => stderr,
    state: () => sim_('state') as ReturnType<SimOrchard['state']>,
    stop() {
      stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const t = setTimeout(() => child.kill('SIGKILL'), 60_000);
          await exited;
          clearTimeout(t);
        }
        if (ownSim) await sim.cleanup();
      })();
      return stopped;
    },
  };
}
