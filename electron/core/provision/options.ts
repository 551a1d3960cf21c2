// What a provision is asked to do (validated options) and what it reports (events on the wire as
// shared/api.ts declares them, and the result).
import { z } from 'zod';
import type * as api from '../../../shared/api';
import { Timeouts } from '../../../shared/settings';
import type { ProvisionDeps } from './ports';

export const DEFAULT_IMAGE = 'ghcr.io/cirruslabs/ubuntu:latest';
export const DEFAULT_BASE_VM = 'clave-base';

/** The provision's steps, in order; each is one phase of the progress events. */
export type ProvisionPhase =
  | 'prepare'
  | 'clone'
  | 'configure'
  | 'boot'
  | 'connect'
  | 'mount'
  | 'script'
  | 'shutdown'
  | 'finalize';

export type ProvisionEvent = api.ProvisionEvent;
type WireResult = z.infer<typeof api.ProvisionResult>;
export type ProvisionOutcome = WireResult['outcome'];
export type ProvisionResult = WireResult & {
  /** What the base was built from: the OCI image, or the old base for an update. */
  source: string;
  specHash: string;
};

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'not an environment variable name');

export const ProvisionOptions = z
  .object({
    /** Clave's data dir: the lock, the script's shared folder and (by default) the logs live here. */
    dataDir: z.string().min(1),
    /** Where the run's log goes; `<dataDir>/logs` by default. */
    logDir: z.string().min(1).optional(),
    // Tart names Clave creates: [a-z0-9-]; 50 leaves room for the `-tmp-<8 hex>` suffix.
    baseVm: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,49}$/, 'a VM name of lowercase letters, digits and -')
      .default(DEFAULT_BASE_VM),
    /** OCI image (or local VM) to build from. */
    image: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$/, 'an OCI reference like ghcr.io/org/image:tag')
      .default(DEFAULT_IMAGE),
    /** Rebuild even though the base exists (it is replaced only when the new one is finished). */
    force: z.boolean().default(false),
    /** Upgrade packages and Claude Code of the existing base (on a copy, then swapped in). */
    update: z.boolean().default(false),
    cpus: z.number().int().min(1).max(64).default(4),
    memoryMb: z.number().int().min(1024).max(262144).default(8192),
    /** Grow the disk to this many GB (the images are 20 GB; they can only grow). */
    diskGb: z.number().int().min(10).max(2000).optional(),
    /** What goes into the image (see spec.ts). */
    spec: z.unknown().optional(),
    ssh: z
      .object({
        user: z.string().min(1).default('admin'),
        password: z.string().optional(),
        privateKey: z.string().optional(),
        port: z.number().int().min(1).max(65535).default(22),
      })
      .prefault({}),
    timeouts: Timeouts.prefault({}),
    /** Extra environment for the script, e.g. HTTP(S)_PROXY. Values are never logged. */
    scriptEnv: z.record(envName, z.string()).default({}),
  })
  .refine((o) => !(o.force && o.update), {
    message: '--force and --update cannot be combined',
    path: ['update'],
  });

export type ProvisionOptionsInput = z.input<typeof ProvisionOptions>;
export type ProvisionOptionsParsed = z.output<typeof ProvisionOptions>;

export interface ProvisionHooks {
  onProgress?: (event: ProvisionEvent) => void;
  /** Abort = interrupt: the temporary VM is stopped and deleted, the base is left as it was. */
  signal?: AbortSignal;
  /** The outside world; the host adapters (tart, ssh) unless given. */
  deps?: ProvisionDeps;
}
