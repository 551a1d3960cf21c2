// Everything a session needs from the outside world, composed once per host (compose.ts).
// `vms` is the VM seam (vm/runtime.ts) of this Mac's Tart; `backends` gives each session the runtime
// it runs on (a session's context sees that one as `vms`: create-context.ts).
import type { DataPaths } from '../config/paths';
import type { Git } from '../host/git';
import type { PortAllocator } from '../host/ports';
import type { SshConnection, SshConnectOptions } from '../host/ssh';
import type { LedgerRepository } from '../store/ledger-repository';
import type { SessionsRepository } from '../store/sessions-repository';
import type { Backends } from '../vm/backends';
import type { VmRuntime } from '../vm/runtime';
import type { ClaudeAuth } from './guest/claude-config';

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
  /** This Mac's Tart at the host; in a session's context, the runtime of its backend. */
  vms: VmRuntime;
  /** Every runtime sessions may use (Tart; Orchard when configured). */
  backends: Backends;
  proxies: ProxyHost;
  auth: AuthSource;
  ports: Pick<PortAllocator, 'allocate' | 'range'>;
  connectSsh(options: SshConnectOptions): Promise<SshConnection>;
  sessions: SessionsRepository;
  /** What Clave made on this machine; cleanup removes nothing else. */
  ledger: LedgerRepository;
  paths: DataPaths;
  /** This Mac's HOME: where the person's own Claude setup is read from (guest/user-claude.ts). */
  userHome: string;
}
