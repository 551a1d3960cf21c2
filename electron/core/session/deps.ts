// Everything a session needs from the outside world, composed once per host (compose.ts).
// `vms` is the VM seam (vm/runtime.ts): Tart on this Mac today, an Orchard worker later.
import type { DataPaths } from '../config/paths';
import type { Git } from '../host/git';
import type { PortAllocator } from '../host/ports';
import type { SshConnection, SshConnectOptions } from '../host/ssh';
import type { SessionsRepository } from '../store/sessions-repository';
import type { VmRuntime } from '../vm/runtime';
import type { ClaudeAuth } from './guest/claude-config';

export type HerdStatus = { available: true } | { available: false; reason: string };

export interface ProxyHost {
  status(): Promise<HerdStatus>;
  /** Serves `http(s)://<name>.<tld>` from `target`; returns that URL. */
  proxy(name: string, target: string, secure: boolean): Promise<string>;
  unproxy(name: string): Promise<void>;
  /** Names of the proxies Herd serves now (without the tld). */
  proxies(): Promise<string[]>;
}

export interface AuthSource {
  resolve(): Promise<(ClaudeAuth & { source: string }) | null>;
}

export interface SessionDeps {
  git: Git;
  vms: VmRuntime;
  proxies: ProxyHost;
  auth: AuthSource;
  ports: PortAllocator;
  connectSsh(options: SshConnectOptions): Promise<SshConnection>;
  sessions: SessionsRepository;
  paths: DataPaths;
}
