// The VM seam: everything sessions and provisioning need from "a place that runs VMs". Tart on
// this Mac (local-tart/); a worker of an Orchard controller on another Mac (orchard/) — a second
// implementation behind this interface, not a fork of the pipelines (contracts/orchard.md §5).
//
// Keep this interface minimal: only what differs between runtimes lives here. Logic every runtime
// shares (wait for an address unless the VM died, attach a folder until a deadline) is written
// once, over this interface, in wait.ts and attach.ts — never again inside an implementation.
import type { HostError } from '../host/errors';
import type { PortTunnel, Tunnel } from '../host/ssh';
import type net from 'node:net';

export interface VmSummary {
  name: string;
  running: boolean;
}

export interface VmConfig {
  cpus: number;
  memoryMb: number;
  /** Grow the disk to this many GB (disks only grow). */
  diskGb?: number;
  /** `none`, or a window size like `1024x768`. */
  display?: string;
}

/**
 * A folder of this Mac that the guest needs at `guestPath`. How it gets there is the runtime's
 * business: a VirtioFS share plus a mount here; a copy over ssh on a remote worker.
 */
export interface HostFolder {
  path: string;
  guestPath: string;
  /** The folder's name, unique per VM (locally: its VirtioFS tag). */
  tag: string;
  readOnly: boolean;
}

export interface VmExit {
  code: number | null;
  /** Why it ended, when the runtime knows it was a failure (VM limit, crash, refused to start). */
  error: HostError | null;
}

/** A VM this process booted. */
export interface VmInstance {
  readonly name: string;
  /** The local process that runs it, when there is one (recorded for crash recovery). */
  readonly pid: number | undefined;
  /** Where the runtime writes what the VM's runner said. */
  readonly logFile: string;
  /** Settles when the VM stops. Never rejects. */
  readonly exited: Promise<VmExit>;
  /**
   * Where the VM runs when that is not this Mac (an Orchard worker's name), once known; null
   * locally and while it is still being scheduled.
   */
  readonly worker: string | null;
  /**
   * Follows what the runner says of the VM while it comes up (Orchard: scheduled, pulling the
   * image, cloning); returns the unsubscribe. Absent where the runner says nothing useful.
   */
  onStatus?(listener: (status: string) => void): () => void;
  /** Ends the VM at once, even while it is still booting. */
  stop(): void;
  /** Asks the guest OS to shut down cleanly; false when the runtime cannot. */
  requestShutdown(): boolean;
}

/** Where this process reaches a port of the VM. */
export interface GuestEndpoint {
  host: string;
  port: number;
}

export interface GuestExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The part of a guest login (an ssh connection) the runtime needs to attach folders. */
export interface GuestShell {
  exec(
    command: string,
    options: {
      timeoutMs: number;
      signal?: AbortSignal;
      /** Sent to the command's stdin, then EOF (e.g. a git bundle: never in a command line). */
      stdin?: Buffer | string;
      onStdout?: (chunk: Buffer) => void;
      onStderr?: (chunk: Buffer) => void;
    },
  ): Promise<GuestExecResult>;
  close(): Promise<void>;
}

/** The part of an ssh connection a runtime may forward ports through. */
export interface TunnelCarrier {
  /** `user@host:port` it was made to (a runtime may find the VM behind that port). */
  readonly target?: string;
  openTunnel(options: { server: net.Server; remotePort: number }): Promise<Tunnel>;
}

export interface VmRuntime {
  readonly kind: 'tart' | 'orchard';
  /**
   * Host folders reach the guest as live shares (VirtioFS): the session copy IS the guest's
   * folder. False: they are copied in at attach and brought back by `collect` (git on Orchard),
   * so what needs a live share (dependency snapshots, the warm pool) is not offered.
   */
  readonly sharesFolders: boolean;
  list(): Promise<VmSummary[]>;
  exists(name: string): Promise<boolean>;
  /** Refresh a cached image (a clone of a cached tag never contacts the registry). */
  pull(
    ref: string,
    options?: { signal?: AbortSignal; onOutput?: (line: string) => void },
  ): Promise<void>;
  /** A new VM from an image or another VM; lines of progress output. */
  clone(
    source: string,
    name: string,
    options?: { signal?: AbortSignal; onOutput?: (line: string) => void },
  ): Promise<void>;
  /** Size a stopped VM, and always give it a fresh MAC (clones share the source's otherwise). */
  configure(name: string, config: VmConfig, signal?: AbortSignal): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** Why this folder of the Mac cannot be given to a VM (as a HostFolder), or null when it can. */
  unsharable(path: string): string | null;
  /** Boot detached from this process; `folders` are prepared for `attach`. */
  start(name: string, options: { folders: HostFolder[] }): Promise<VmInstance>;
  /** One try: where `guestPort` of the VM is reached, waiting up to `waitSeconds` for it. */
  endpoint(
    name: string,
    guestPort: number,
    options: { waitSeconds: number; signal?: AbortSignal },
  ): Promise<GuestEndpoint>;
  /** One attempt to make a folder given to `start` appear at its guest path. */
  attach(shell: GuestShell, folder: HostFolder, signal?: AbortSignal): Promise<GuestExecResult>;
  /**
   * Brings what the guest changed in an attached folder back to this Mac, before the session's
   * work is judged (keep / merge / discard). A share already is this Mac's folder: nothing to do.
   */
  collect(shell: GuestShell, folder: HostFolder): Promise<void>;
  /** `guestPort` of the VM served by `server` on this Mac (locally: through the ssh connection). */
  forwardPort(
    ssh: TunnelCarrier,
    options: { server: net.Server; guestPort: number },
  ): Promise<PortTunnel>;
  /** Resolves when stopped (also when it was not running, or does not exist). */
  stop(name: string, timeoutSeconds?: number): Promise<void>;
  /** Resolves when gone (also when it did not exist). */
  delete(name: string): Promise<void>;
}
