// What the provision flow needs from the outside world. The real implementations are the host
// adapters (host/tart.ts, host/ssh.ts), bound in host-binding.ts; tests of the flow's logic use
// in-memory fakes, its integration tests the real adapters on the simulated VM host.

export interface VmShare {
  /** Host folder to share. */
  path: string;
  /** VirtioFS tag the guest mounts (`mount -t virtiofs <tag> <dir>`). */
  tag: string;
  readOnly: boolean;
}

export interface VmExit {
  code: number | null;
  /** Why it ended, when that was a failure (from Tart's log): "macOS refuses to run more VMs…". */
  why?: string;
}

/** A running VM: the `tart run` child this process owns. */
export interface RunningVm {
  /** Settles when the VM's process ends. Never rejects. */
  readonly exited: Promise<VmExit>;
  /** Where `tart run` writes its output. */
  readonly logFile: string;
  /** Ask the guest OS to shut down cleanly (tart: SIGUSR2). False when not supported. */
  requestShutdown(): boolean;
}

export interface VmSummary {
  name: string;
  running: boolean;
}

export interface ProvisionVms {
  list(): Promise<VmSummary[]>;
  /**
   * `tart pull`: refresh a cached OCI image (a clone of a cached tag never contacts the registry,
   * so `:latest` would stay at whatever was pulled first).
   */
  pull(
    ref: string,
    options: { signal: AbortSignal; onOutput: (line: string) => void },
  ): Promise<void>;
  /** `tart clone` (pulls an OCI image first when it is not cached). Lines of progress output. */
  clone(
    source: string,
    target: string,
    options: { signal: AbortSignal; onOutput: (line: string) => void },
  ): Promise<void>;
  /** CPU, memory, optionally a bigger disk, and always a fresh random MAC. */
  configure(
    name: string,
    config: { cpus: number; memoryMb: number; diskGb?: number },
    signal: AbortSignal,
  ): Promise<void>;
  /** `tart run --no-graphics --dir …`, detached from the caller. */
  run(name: string, options: { shares: VmShare[] }): Promise<RunningVm>;
  waitForIp(name: string, timeoutSeconds: number, signal: AbortSignal): Promise<string>;
  /** `tart stop`; resolves when stopped (also when it was not running). */
  stop(name: string, timeoutSeconds: number): Promise<void>;
  /** `tart delete`; resolves when gone (also when it did not exist). */
  delete(name: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
}

export interface GuestExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface GuestShell {
  exec(
    command: string,
    options: {
      timeoutMs: number;
      signal?: AbortSignal;
      onStdout?: (chunk: Buffer) => void;
      onStderr?: (chunk: Buffer) => void;
    },
  ): Promise<GuestExecResult>;
  close(): Promise<void>;
}

export interface GuestLogin {
  host: string;
  port: number;
  username: string;
  password?: string;
  privateKey?: string;
  deadlineMs: number;
  signal: AbortSignal;
}

export interface ProvisionDeps {
  vms: ProvisionVms;
  connect(login: GuestLogin): Promise<GuestShell>;
}
