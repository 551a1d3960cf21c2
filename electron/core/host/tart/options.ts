// What the tart adapter takes and returns, validated where names and paths come in.
import path from 'node:path';
import { z } from 'zod';
import type { TartError } from './errors';
import { CONTROL_CHARS } from '../../../../shared/text';

/** Names Clave gives VMs it creates ([a-z0-9-], contracts/tart.md §0). */
export const NewVmNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and -, not starting with -');

/** Names of existing local VMs (may have been made by hand): no `/`, no leading `-`. */
export const VmNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'a local VM name (no /, not starting with -)');

/** A clone source: a local VM or an OCI reference such as ghcr.io/cirruslabs/ubuntu:latest. */
export const CloneSourceSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._\-/:@]{0,255}$/, 'a local VM name or an OCI reference');

export const SetOptionsSchema = z
  .object({
    cpu: z.number().int().min(1).max(65535).optional(),
    memoryMb: z.number().int().min(1).optional(),
    display: z
      .string()
      .regex(/^\d+x\d+(pt|px)?$/, 'WIDTHxHEIGHT, e.g. 1920x1080')
      .optional(),
    /** Omitting --display-refit resets it (contract §3), so it is only sent when set here. */
    displayRefit: z.boolean().optional(),
    randomMac: z.boolean().optional(),
    diskSizeGb: z.number().int().min(1).optional(),
  })
  .strict();

export type SetOptions = z.input<typeof SetOptionsSchema>;

/** macOS's PATH_MAX is 1024 bytes with the terminating NUL. */
const MAX_PATH_BYTES = 1023;

/** Why `tart run --dir` cannot share `p` (contract §6.1), or null when it can. */
export function unsharablePath(p: string): string | null {
  if (CONTROL_CHARS.test(p)) return 'has a line break or another control character';
  // tart splits --dir on ':' and its options on ','.
  if (p.includes(':')) return 'has a ":", which tart reads as a separator';
  if (p.includes(',')) return 'has a ",", which tart reads as an option separator';
  if (Buffer.byteLength(p) > MAX_PATH_BYTES)
    return `is longer than ${MAX_PATH_BYTES} bytes, the most macOS takes`;
  return null;
}

export const DirShareSchema = z.object({
  path: z
    .string()
    .min(1)
    .refine((p) => path.isAbsolute(p), 'an absolute path')
    .superRefine((p, c) => {
      const why = unsharablePath(p);
      if (why) c.addIssue({ code: 'custom', message: `the path ${why}` });
    }),
  name: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/)
    .optional(),
  tag: z
    .string()
    .regex(/^[A-Za-z0-9._-]+$/)
    .optional(),
  readOnly: z.boolean().optional(),
});

export type DirShare = z.input<typeof DirShareSchema>;

export interface RunOptions {
  dirs?: DirShare[];
  /** Default true: no window, no Dock icon. */
  noGraphics?: boolean;
}

export type VmState = 'running' | 'suspended' | 'stopped';

export interface VmListEntry {
  name: string;
  source: 'local' | 'OCI';
  diskGb: number;
  sizeGb: number;
  accessed: string | undefined;
  running: boolean;
  state: VmState;
}

export interface VmDetails {
  os: string;
  cpu: number;
  memoryMb: number;
  diskGb: number;
  diskFormat: string | undefined;
  /** Allocated size in GB as tart prints it, e.g. "4.512". */
  size: string;
  display: string;
  running: boolean;
  state: VmState;
}

export interface RunExit {
  code: number | null;
  signal: string | null;
  /** What went wrong, when the log or exit code says something did. */
  error: TartError | null;
}

export interface RunHandle {
  readonly name: string;
  readonly pid: number;
  readonly logPath: string;
  /** Settles when `tart run` ends (the VM stopped, crashed or failed to start). */
  readonly exited: Promise<RunExit>;
  readonly running: boolean;
  /** Ask tart to stop the VM (SIGINT, the signal `tart stop` uses). */
  stop(): void;
  /** This run's part of the log. */
  readLog(): Promise<string>;
}

export interface TartTimeouts {
  /** get, list, set, rename, delete, version. */
  defaultMs: number;
  /** clone and pull: may download an image of several GB. */
  cloneMs: number;
  /** Added to the stop timeout and the ip wait for the CLI's own overhead. */
  graceMs: number;
}

export interface TartOptions {
  /** Folder for per-VM `tart run` logs. */
  logDir: string;
  /** A tart path configured by the user. */
  binary?: string;
  env?: NodeJS.ProcessEnv;
  timeouts?: Partial<TartTimeouts>;
  /** Host facts, for the Apple silicon / macOS version check. */
  platform?: NodeJS.Platform;
  arch?: string;
  osRelease?: string;
  /** Decides whether an x64 process on a Mac runs under Rosetta on Apple silicon. */
  isAppleSiliconUnderRosetta?: () => Promise<boolean>;
}

export function dirArgument(dir: z.output<typeof DirShareSchema>): string {
  const options = [
    ...(dir.readOnly === true ? ['ro'] : []),
    ...(dir.tag === undefined ? [] : [`tag=${dir.tag}`]),
  ];
  return `${dir.name === undefined ? '' : `${dir.name}:`}${dir.path}${options.length > 0 ? `:${options.join(',')}` : ''}`;
}
