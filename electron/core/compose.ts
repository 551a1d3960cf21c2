// The core's composition root: adapters built from settings, bound to the session layer's needs,
// one SessionHost, and the API dispatcher every face talks to. Electron's main, `clave serve`
// and the web harness all start here.
import { mkdirSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { AppInfo } from '../../shared/api';
import { ClientSet } from './api/connection';
import { createDispatcher, type Dispatch } from './api/dispatch';
import { createApiHandlers, type AuthService } from './api/handlers';
import type { DataPaths } from './config/paths';
import type { Settings } from './config/settings';
import { SettingsStore } from './config/settings-store';
import { MAC_DHCP_FILES, runDoctor } from './doctor';
import { ClaudeAuth } from './host/claude-auth';
import { Git } from './host/git';
import { Herd } from './host/herd';
import { PortAllocator } from './host/ports';
import { FileSecretStore, type SecretStore } from './host/secret-store';
import { connectSsh } from './host/ssh';
import { Tart } from './host/tart';
import type { AuthSource, ProxyHost, SessionDeps } from './session/deps';
import { SessionHost } from './session/session-host';
import { provision, provisionOptionsFrom } from './provision';
import { hostDeps } from './provision/host-binding';
import { ProvisionRuns } from './provision/runs';
import { openDatabase } from './store/database';
import { createBackends } from './vm/backend-set';
import { localTartRuntime } from './vm/local-tart/runtime';
import { gitCodeSync } from './vm/git-sync';
import { orchardNamed } from './vm/orchard/credentials';
import { OrchardService, orchardRuntime } from './vm/orchard';
import { LedgerRepository } from './store/ledger-repository';
import { SessionsRepository } from './store/sessions-repository';

/** Tart's NAT network: the Mac is 192.168.64.1 to every VM (contracts/herd.md §5). */
const TART_GATEWAY = '192.168.64.1';

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
  /** The settings loaded at start (from paths.settings and the environment). */
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
  /** The live settings: changes apply to sessions started afterwards. */
  settings: SettingsStore;
  /** Reconciliation with what a previous host left running, started at once. */
  reconciled: ReturnType<SessionHost['reconcile']>;
  shutdown(): Promise<void>;
}

export async function createHostRuntime(o: HostRuntimeOptions): Promise<HostRuntime> {
  const env = o.env ?? process.env;
  mkdirSync(o.paths.root, { recursive: true, mode: 0o700 });
  const settings = new SettingsStore(o.paths.settings, env, o.settings);
  const db = openDatabase(o.paths.database);
  const tart = new Tart({ logDir: o.paths.vmLogs, env });
  const herd = new Herd({ env, home: env.HOME });
  const secrets = o.secrets ?? new FileSecretStore(o.paths.secrets);
  const orchard = new OrchardService({ settings, secrets, env });
  const auth = new ClaudeAuth({
    store: secrets,
    env,
    home: env.HOME,
  });
  const authSource = claudeAuthSource(auth);
  const vms = localTartRuntime(tart);
  const ports = new PortAllocator({ range: o.settings.ports });
  const git = new Git({ env });
  // One Orchard runtime for the host's life: it reads settings and credentials at each call.
  const orchardVms = orchardRuntime(
    () => settings.current(),
    () => orchard.credentials(),
    { logDir: o.paths.vmLogs, codeSync: gitCodeSync({ git }) },
  );
  const deps: SessionDeps = {
    git,
    vms,
    backends: createBackends(vms, {
      configured: () => orchardNamed(settings.current(), env),
      runtime: () => orchardVms,
    }),
    proxies: herdProxyHost(herd),
    auth: authSource,
    ports,
    connectSsh,
    sessions: new SessionsRepository(db),
    ledger: new LedgerRepository(db),
    paths: o.paths,
    userHome: env.HOME ?? os.homedir(),
  };
  settings.onChange((s) => ports.setRange(s.ports));
  const host = new SessionHost(deps, () => settings.current());
  const clients = new ClientSet();
  host.on('session.updated', (s) => clients.send('session.updated', s));
  host.on('session.progress', (p) => clients.send('session.progress', p));
  host.on('session.agentExited', (p) => clients.send('session.agentExited', p));
  host.on('session.attention', (p) => clients.send('session.attention', p));
  settings.onChange(() => clients.send('settings.changed', settings.view()));
  // A new pool size, budget or session setting: standbys made or discarded to match.
  settings.onChange(() => host.pool.refill());

  const provisions = new ProvisionRuns(async (request, signal) => {
    const result = await provision(provisionOptionsFrom(o.paths, settings.current(), request), {
      onProgress: (e) => clients.send('provision.progress', e),
      signal,
      deps: hostDeps({ tart, ledger: deps.ledger }),
    });
    // A new base: standbys made from the old one are stale (a claim would refuse them anyway).
    host.pool.refill();
    return result;
  });
  const version = o.version ?? packageVersion();
  const serve = createDispatcher(
    createApiHandlers({
      info: () => ({ name: 'Clave', version, platform: process.platform, face: o.face }),
      sessions: host,
      auth: authSource,
      doctor: () =>
        runDoctor({
          settings: settings.current(),
          dataDir: o.paths.root,
          env,
          platform: process.platform,
          arch: process.arch,
          osRelease: os.release(),
          tart,
          herd,
          auth: authSource,
          orchard,
          gateway: TART_GATEWAY,
          vmAddresses: async () =>
            host
              .list()
              .flatMap((s) =>
                s.state === 'running' && s.backend === 'tart' && s.vmIp ? [s.vmIp] : [],
              ),
          reachableFromVm: (h, port) => host.reachableFromVm(h, port),
          macFiles: MAC_DHCP_FILES,
          now: () => Date.now(),
        }),
      settings,
      provisions,
      orchard,
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
    settings,
    reconciled,
    shutdown: async () => {
      await reconciled.catch(() => {});
      // A provision in flight is interrupted, so its temporary VM goes with the host.
      await provisions.shutdown();
      await host.shutdown();
      db.close();
    },
  };
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
