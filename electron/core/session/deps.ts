// Everything a session needs from the outside world, composed once per host (compose.ts).
// `VmHost` is the seam the design names: Tart on this Mac today, an Orchard worker later.
import type { DataPaths } from '../config/paths';
import type { Git } from '../host/git';
import type { PortAllocator } from '../host/ports';
import type { SshConnection, SshConnectOptions } from '../host/ssh';
import type { LedgerRepository } from '../store/ledger-repository';
import type { SessionsRepository } from '../store/sessions-repository';
import type { ClaudeAuth } from './guest/claude-config';

export interface VmProcess {
  pid: number | undefined;
  /** Settles when the VM's process ends (exit code, or null if unknown). */
  exited: Promise<number | null>;
  logFile: string;
  /** Ends this VM's run process (SIGINT to `tart run`), even while it is still booting. */
  stop(): void;
}

export interface VmSummary {
  name: string;
  running: boolean;
}

export interface VmHost {
  exists(name: string): Promise<boolean>;
  clone(source: string, name: string): Promise<void>;
  /** CPU, memory, display and a fresh random MAC (clones share the base's MAC otherwise). */
  configure(name: string, cfg: { cpus: number; memoryMb: number; display: string }): Promise<void>;
  /** Boots the VM detached from this process with `sharedDir` shared for /srv/project. */
  start(name: string, sharedDir: string): Promise<VmProcess>;
  waitForIp(name: string, timeoutSeconds: number, signal?: AbortSignal): Promise<string>;
  stop(name: string): Promise<void>;
  delete(name: string): Promise<void>;
  list(): Promise<VmSummary[]>;
}

export type HerdStatus = { available: true } | { available: false; reason: string };

export interface ProxyHost {
  status(): Promise<HerdStatus>;
  /** Serves `http(s)://<name>.<tld>` from `target`; returns that URL. */
  proxy(name: string, target: string, secure: boolean): Promise<string>;
  unproxy(name: string): Promise<void>;
  /** The proxies Herd serves now: every one of the user's, not only Clave's. */
  proxies(): Promise<ServedProxy[]>;
}

export interface ServedProxy {
  /** Without the tld. */
  name: string;
  /** Where it forwards to, e.g. http://127.0.0.1:8081. */
  target: string;
}

export interface AuthSource {
  resolve(): Promise<(ClaudeAuth & { source: string }) | null>;
}

export interface SessionDeps {
  git: Git;
  vms: VmHost;
  proxies: ProxyHost;
  auth: AuthSource;
  ports: Pick<PortAllocator, 'allocate' | 'range'>;
  connectSsh(options: SshConnectOptions): Promise<SshConnection>;
  sessions: SessionsRepository;
  /** What Clave made on this machine; cleanup removes nothing else. */
  ledger: LedgerRepository;
  paths: DataPaths;
}
