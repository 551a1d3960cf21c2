// What the ssh adapter takes and returns.
import type net from 'node:net';
import { z } from 'zod';

export const SshConnectOptionsSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(22),
  username: z.string().min(1).default('admin'),
  /** Defaults to `admin` when no private key is given either. */
  password: z.string().optional(),
  privateKey: z.union([z.string(), z.instanceof(Buffer)]).optional(),
  passphrase: z.string().optional(),
  /** Keep trying until this much time has passed (the IP appears before sshd is up). */
  deadlineMs: z.number().int().positive().default(90_000),
  /** Time allowed for one attempt's TCP connect + handshake + auth. */
  attemptTimeoutMs: z.number().int().positive().default(10_000),
  retryDelayMs: z.number().int().nonnegative().default(1_000),
  keepaliveIntervalMs: z.number().int().nonnegative().default(10_000),
  keepaliveCountMax: z.number().int().positive().default(3),
});

export type SshConnectOptions = z.input<typeof SshConnectOptionsSchema> & {
  /** Return false to reject the server's host key. Throwaway VMs: accept by default. */
  hostVerifier?: (key: Buffer) => boolean;
  signal?: AbortSignal;
  /** Called after each failed attempt, e.g. for a progress hint. */
  onAttemptFailed?: (attempt: number, error: Error) => void;
};

export interface ExecOptions {
  /** Kill the command and fail with `ssh.exec-timeout` after this long. Default 60 s. */
  timeoutMs?: number;
  /** Written to the command's stdin, then stdin is closed (EOF). */
  stdin?: string | Buffer;
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  /** Sent as ssh `env` requests; sshd drops names its `AcceptEnv` does not list. */
  env?: Record<string, string>;
  signal?: AbortSignal;
  /** Keep at most this many bytes of each output stream in the result (the tail). Default 4 MiB. */
  maxBufferBytes?: number;
}

export interface ExecResult {
  /** Exit status, or null when the command died from a signal. */
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface PtyOptions {
  /** Command to run in the PTY; the user's login shell when omitted. */
  command?: string;
  term?: string;
  cols: number;
  rows: number;
  env?: Record<string, string>;
}

export interface ChannelExit {
  code: number | null;
  signal: string | null;
}

export interface TunnelOptions {
  /** Where the guest should connect, as seen from the guest. Default 127.0.0.1:80. */
  remoteHost?: string;
  remotePort?: number;
  /**
   * An already listening server to take over (a `PortLease.server`: the port stays held, with no
   * gap). When omitted, a new server listens on `localHost:localPort`.
   */
  server?: net.Server;
  localHost?: string;
  /** 0 lets the OS choose. */
  localPort?: number;
}

export const DEFAULT_EXEC_TIMEOUT = 60_000;

export const DEFAULT_PASSWORD = 'admin';

export const DEFAULT_MAX_BUFFER = 4 * 1024 * 1024;
