// The core's composition root: adapters built from settings, bound to the session layer's needs,
// one SessionHost, and the API dispatcher every face talks to. Electron's main, `clave serve`
// and the web harness all start here.
import { mkdirSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import type { AppInfo, DoctorCheck } from '../../shared/api';
import { ClientSet } from './api/connection';
import { createDispatcher, type Dispatch } from './api/dispatch';
import { createApiHandlers, type AuthService } from './api/handlers';
import type { DataPaths } from './config/paths';
import type { Settings } from './config/settings';
import { ClaudeAuth } from './host/claude-auth';
import { Git } from './host/git';
import { Herd } from './host/herd';
import { PortAllocator } from './host/ports';
import { FileSecretStore, type SecretStore } from './host/secret-store';
import { connectSsh } from './host/ssh';
import { Tart } from './host/tart';
import type { AuthSource, ProxyHost, SessionDeps, VmHost } from './session/deps';
import { SessionHost } from './session/session-host';
import { provision } from './provision';
import { hostDeps } from './provision/host-binding';
import { openDatabase } from './store/database';
import { LedgerRepository } from './store/ledger-repository';
import { SessionsRepository } from './store/sessions-repository';

export function tartVmHost(tart: Tart): VmHost {
  return {
    exists: (name) => tart.exists(name),
    clone: (source, name) => tart.clone(source, name),
    configure: (name, c) =>
      tart.set(name, {
        cpu: c.cpus,
        memoryMb: c.memoryMb,
        randomMac: true,
        ...(c.display === 'none' ? {} : { display: c.display }),
      }),
    start: async (name, sharedDir) => {
      const h = await tart.run(name, { dirs: [{ path: sharedDir }], noGraphics: true });
      return {
        pid: h.pid,
        logFile: h.logPath,
        exited: h.exited.then((e) => e.code),
        stop: () => h.stop(),
      };
    },
    waitForIp: (name, seconds, signal) =>
      tart.ip(name, { waitSeconds: seconds, ...(signal ? { signal } : {}) }),
    stop: async (name) => void (await tart.stop(name)),
    delete: (name) => tart.delete(name),
    list: async () => (await tart.list()).map((v) => ({ name: v.name, running: v.running })),
  };
}

export function herdProxyHost(herd: Herd): ProxyHost {
  return {
    status: async () => {
      const a = await herd.availability();
      return a.available
        ? { available: true }
        : { available: false, reason: `${a.reason} ${a.fix}` };
    },
    proxy: async (name, target, secure) => (await herd.proxy(name, target, { secure })).url,
    unproxy: async (name) => {
      if ((await herd.availability()).available) await herd.unproxy(name);
    },
    proxies: async () =>
      (await herd.proxies()).map((p) => ({
        name: p.site.replace(/\.[a-z0-9-]+$/, ''),
        target: p.target,
      })),
  };
}

export function claudeAuthSource(auth: ClaudeAuth): AuthSource & AuthService {
  return {
    resolve: async () => {
      const r = await auth.resolve();
      if (!r) return null;
      return {
        kind: r.method,
        value: r.value,
        source: r.source === 'store' ? 'stored token' : r.envVar,
      };
    },
    status: async () => {
      const s = await auth.status();
      if (!s.authenticated) return { method: 'none', source: 'none' };
      return { method: s.method, source: s.source === 'store' ? 'stored' : s.envVar };
    },
    clear: () => auth.clear(),
  };
}

export interface HostRuntimeOptions {
  paths: DataPaths;
  settings: Settings;
  face: AppInfo['face'];
  version?: string;
  /** Electron passes a safeStorage-backed store; the CLI and tests use the 0600 file. */
  secrets?: SecretStore;
  env?: NodeJS.ProcessEnv;
}

export interface HostRuntime {
  host: SessionHost;
  dispatch: Dispatch;
  /** Every connected face; session events are broadcast to them. */
  clients: ClientSet;
  tart: Tart;
  auth: ClaudeAuth;
  /** Reconciliation with what a previous host left running, started at once. */
  reconciled: ReturnType<SessionHost['reconcile']>;
  shutdown(): Promise<void>;
}

export async function createHostRuntime(o: HostRuntimeOptions): Promise<HostRuntime> {
  const env = o.env ?? process.env;
  mkdirSync(o.paths.root, { recursive: true, mode: 0o700 });
  const db = openDatabase(o.paths.database);
  const tart = new Tart({ logDir: o.paths.vmLogs, env });
  const herd = new Herd({ env, home: env.HOME });
  const auth = new ClaudeAuth({
    store: o.secrets ?? new FileSecretStore(o.paths.secrets),
    env,
    home: env.HOME,
  });
  const authSource = claudeAuthSource(auth);
  const deps: SessionDeps = {
    git: new Git({ env }),
    vms: tartVmHost(tart),
    proxies: herdProxyHost(herd),
    auth: authSource,
    ports: new PortAllocator({ range: o.settings.ports }),
    connectSsh,
    sessions: new SessionsRepository(db),
    ledger: new LedgerRepository(db),
    paths: o.paths,
  };
  const host = new SessionHost(deps, o.settings);
  const clients = new ClientSet();
  host.on('session.updated', (s) => clients.send('session.updated', s));
  host.on('session.progress', (p) => clients.send('session.progress', p));
  host.on('session.agentExited', (p) => clients.send('session.agentExited', p));

  const version = o.version ?? packageVersion();
  const serve = createDispatcher(
    createApiHandlers({
      info: () => ({ name: 'Clave', version, platform: process.platform, face: o.face }),
      sessions: host,
      auth: authSource,
      doctor: () => doctor(tart, herd, authSource, o.settings),
      provision: async (p) => {
        const r = await provision(
          {
            dataDir: o.paths.root,
            logDir: o.paths.logs,
            baseVm: o.settings.baseVm,
            image: p.image ?? o.settings.baseImage,
            force: p.force ?? false,
            update: p.update ?? false,
            cpus: o.settings.vm.cpus,
            memoryMb: o.settings.vm.memoryMb,
            ssh: {
              user: o.settings.ssh.user,
              password: o.settings.ssh.password,
              port: o.settings.ssh.port,
            },
            spec:
              o.settings.services.mode === 'vm' ? { services: { mysql: true, redis: true } } : {},
          },
          {
            onProgress: (e) => clients.send('provision.progress', e),
            deps: hostDeps({ tart, ledger: deps.ledger }),
          },
        );
        return { outcome: r.outcome, baseVm: r.baseVm, logFile: r.logFile, seconds: r.seconds };
      },
    }),
  );
  const reconciled = host.reconcile();
  reconciled.catch(() => {});
  // Until reconciliation is done, records may describe tunnels of a dead host: answer after it.
  const dispatch: Dispatch = async (request, client) => {
    await reconciled.catch(() => {});
    return serve(request, client);
  };
  return {
    host,
    dispatch,
    clients,
    tart,
    auth,
    reconciled,
    shutdown: async () => {
      await reconciled.catch(() => {});
      await host.shutdown();
      db.close();
    },
  };
}

async function doctor(
  tart: Tart,
  herd: Herd,
  auth: AuthService,
  settings: Settings,
): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const check = async (name: string, fn: () => Promise<Omit<DoctorCheck, 'name'>>) => {
    try {
      checks.push({ name, ...(await fn()) });
    } catch (e) {
      const p = e as { what?: string; why?: string; fix?: string; message?: string };
      checks.push({
        name,
        ok: false,
        detail: [p.what ?? p.message, p.why].filter(Boolean).join(': '),
        ...(p.fix ? { fix: p.fix } : {}),
      });
    }
  };
  await check('Tart', async () => ({ ok: true, detail: `tart ${await tart.version()}` }));
  await check('Base VM', async () =>
    (await tart.exists(settings.baseVm))
      ? { ok: true, detail: `${settings.baseVm} is provisioned` }
      : { ok: false, detail: `${settings.baseVm} does not exist`, fix: 'clave provision' },
  );
  await check('Herd', async () => {
    const a = await herd.availability();
    return a.available
      ? { ok: true, detail: `herd at ${a.binary}` }
      : { ok: false, detail: `${a.reason} (sessions still work on 127.0.0.1)`, fix: a.fix };
  });
  await check('Claude authentication', async () => {
    const s = await auth.status();
    return s.method === 'none'
      ? { ok: false, detail: 'no credential', fix: 'clave auth (or set ANTHROPIC_API_KEY)' }
      : { ok: true, detail: `${s.method} from ${s.source}` };
  });
  return checks;
}

function packageVersion(): string {
  try {
    return (
      JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
        version: string;
      }
    ).version;
  } catch {
    return '0.0.0';
  }
}
