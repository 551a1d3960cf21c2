// The VM resource of the simulated Orchard controller, shaped as the real one serialises
// pkg/resource/v1.VM (cirruslabs/orchard at b30bb5b): snake_case and camelCase mixed as there,
// `omitempty` fields left out when empty, Go's zero times kept (encoding/json never omits a
// time.Time). Validation follows internal/controller/api_vms.go: malformed JSON is 400, a missing
// name or image and unknown policies are 412.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';

export const ZERO_TIME = '0001-01-01T00:00:00Z';

export type VMStatus = 'pending' | 'running' | 'failed';
export type PowerState = 'running' | 'stopped' | 'suspended';

export interface Condition {
  type: string;
  state: 'true' | 'false';
}

const goUint = z.number().int().nonnegative();
const stringMap = z.record(z.string(), z.string());

/** What a client may send (unknown fields are ignored, as Go's json does). Types are Go's. */
export const vmInputSchema = z.object({
  name: z.string().optional(),
  image: z.string().optional(),
  imagePullPolicy: z.string().optional(),
  cpu: goUint.optional(),
  memory: goUint.optional(),
  diskSize: goUint.optional(),
  headless: z.boolean().optional(),
  nested: z.boolean().optional(),
  os: z.enum(['', 'darwin', 'linux']).optional(),
  arch: z.enum(['', 'arm64', 'amd64']).optional(),
  runtime: z.enum(['', 'tart', 'vetu']).optional(),
  netSoftnet: z.boolean().optional(),
  suspendable: z.boolean().optional(),
  powerState: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  startup_script: z
    .object({ script_content: z.string().optional(), env: stringMap.optional() })
    .nullable()
    .optional(),
  restart_policy: z.string().optional(),
  randomSerial: z.boolean().optional(),
  resources: z.record(z.string(), goUint).nullable().optional(),
  labels: stringMap.nullable().optional(),
  hostDirs: z
    .array(z.object({ name: z.string().optional(), path: z.string().optional() }).passthrough())
    .nullable()
    .optional(),
  status: z.string().optional(),
  status_message: z.string().optional(),
});
export type VMInput = z.infer<typeof vmInputSchema>;

export interface VM {
  name: string;
  uid: string;
  image: string;
  imagePullPolicy: string;
  cpu: number;
  memory: number;
  diskSize: number;
  headless: boolean;
  os: string;
  arch: string;
  runtime: string;
  suspendable: boolean;
  powerState: PowerState;
  localName: string;
  observedGeneration: number;
  conditions: Condition[];
  status: VMStatus;
  status_message: string;
  worker: string;
  assignedCPU: number;
  assignedMemory: number;
  username: string;
  password: string;
  startup_script: { script_content?: string; env?: Record<string, string> } | null;
  restart_policy: string;
  restart_count: number;
  resources: Record<string, number>;
  labels: Record<string, string>;
  generation: number;
  createdAt: string;
  scheduled_at: string;
  started_at: string;
  restarted_at: string;
  /** Store version (Meta.Version), bumped at every write: the watch orders by it. */
  version: number;
}

/** The error body of the real controller (internal/controller/errorresponse.go). */
export function errorBody(message: string): { message: string } {
  return { message };
}

export class ApiError extends Error {
  /** The real controller answers some errors with a bare status code and no body. */
  readonly bare: boolean;
  constructor(
    readonly status: number,
    message?: string,
  ) {
    super(message ?? `HTTP ${status}`);
    this.bare = message === undefined;
  }
}

const SIMPLE_NAME = /^[A-Za-z0-9:_.-]*$/;

/** The worker's on-disk (tart) name: internal/worker/ondiskname. */
export function onDiskName(name: string, uid: string, restartCount: number): string {
  return `orchard-${name}-${uid}-${restartCount}`;
}

/** POST /v1/vms: the body (already JSON-parsed) to a new pending VM, or an ApiError. */
export function newVM(body: unknown, now = new Date()): VM {
  const parsed = vmInputSchema.safeParse(body);
  if (!parsed.success || typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError(400, 'invalid JSON was provided');
  }
  const v = parsed.data;
  if (!v.name) throw new ApiError(412, 'VM name is empty');
  if (!SIMPLE_NAME.test(v.name)) {
    throw new ApiError(
      412,
      'VM name name contains restricted characters, please only use [A-Za-z0-9:-_.]',
    );
  }
  if (!v.image) throw new ApiError(412, 'VM image is empty');
  const os = v.os || 'darwin';
  const runtime = v.runtime || 'tart';
  const resources = { ...(v.resources ?? {}) };
  // Apple's two-macOS-VMs limit, as the controller defaults it (api_vms.go).
  if (os === 'darwin' && runtime === 'tart' && !('org.cirruslabs.tart-vms' in resources)) {
    resources['org.cirruslabs.tart-vms'] = 1;
  }
  const pull = v.imagePullPolicy || 'IfNotPresent';
  if (!['IfNotPresent', 'Always'].includes(pull)) {
    throw new ApiError(412, `unsupported image pull policy: "${pull}"`);
  }
  const restart = v.restart_policy || 'Never';
  if (!['Never', 'OnFailure'].includes(restart)) {
    throw new ApiError(412, `unsupported restart policy: "${restart}"`);
  }
  for (const d of v.hostDirs ?? []) {
    if (!d.name) throw new ApiError(400, 'hostDir volume\'s "name" field cannot be empty');
    if (!d.path) throw new ApiError(400, 'hostDir volume\'s "path" field cannot be empty');
    // No cluster host-dir policy exists in the sim (the real default): every folder is refused.
    throw new ApiError(
      400,
      `host directory "${d.name}:${d.path}" is disallowed by policy, check your cluster settings`,
    );
  }
  const uid = randomUUID();
  return {
    name: v.name,
    uid,
    image: v.image,
    imagePullPolicy: pull,
    cpu: v.cpu ?? 0,
    memory: v.memory ?? 0,
    diskSize: v.diskSize ?? 0,
    headless: v.headless ?? false,
    os,
    arch: v.arch || 'arm64',
    runtime,
    suspendable: v.suspendable ?? false,
    powerState: 'running',
    localName: onDiskName(v.name, uid, 0),
    observedGeneration: 0,
    conditions: [{ type: 'scheduled', state: 'false' }],
    status: 'pending',
    status_message: '',
    worker: '',
    assignedCPU: 0,
    assignedMemory: 0,
    username: v.username ?? '',
    password: v.password ?? '',
    startup_script: v.startup_script ?? null,
    restart_policy: restart,
    restart_count: 0,
    resources,
    labels: { ...(v.labels ?? {}) },
    generation: 0,
    createdAt: now.toISOString(),
    scheduled_at: ZERO_TIME,
    started_at: ZERO_TIME,
    restarted_at: ZERO_TIME,
    version: 0,
  };
}

/** PUT /v1/vms/{name}: the spec part (os/arch/runtime fixed, powerState) of updateVMSpec. */
export function updateSpec(current: VM, body: unknown): VM | undefined {
  const parsed = vmInputSchema.safeParse(body);
  if (!parsed.success || typeof body !== 'object' || body === null) {
    throw new ApiError(400, 'invalid JSON was provided');
  }
  const v = parsed.data;
  if (current.status === 'failed') throw new ApiError(412, 'cannot update VM in a terminal state');
  if ((v.os ?? '') !== current.os || (v.arch ?? '') !== current.arch) {
    throw new ApiError(412, '"os", "arch" and "runtime" fields cannot be modified');
  }
  if ((v.runtime ?? '') !== current.runtime) {
    throw new ApiError(412, '"os", "arch" and "runtime" fields cannot be modified');
  }
  const power = v.powerState ?? '';
  if (!['running', 'stopped', 'suspended'].includes(power)) {
    throw new ApiError(412, `invalid "powerState" value: ${power}`);
  }
  if (current.powerState !== 'running') {
    throw new ApiError(
      412,
      'invalid "powerState" transition: cannot transition from a terminal power state',
    );
  }
  if (!current.suspendable && power === 'suspended') {
    throw new ApiError(
      412,
      'invalid "powerState" transition: only suspendable VMs can be suspended',
    );
  }
  if (power === current.powerState && (v.suspendable ?? false) === current.suspendable) {
    return undefined; // nothing in the spec changed: no new generation
  }
  return {
    ...current,
    powerState: power as PowerState,
    suspendable: v.suspendable ?? false,
    generation: current.generation + 1,
  };
}

const OMIT_EMPTY = new Set([
  'image',
  'imagePullPolicy',
  'cpu',
  'memory',
  'diskSize',
  'headless',
  'os',
  'arch',
  'runtime',
  'suspendable',
  'powerState',
  'localName',
  'conditions',
  'status',
  'status_message',
  'worker',
  'assignedCPU',
  'assignedMemory',
  'username',
  'password',
  'startup_script',
  'restart_policy',
  'restart_count',
  'uid',
  'resources',
  'labels',
  'name',
  'version',
]);

function empty(v: unknown): boolean {
  if (v === null || v === undefined || v === '' || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v).length === 0;
  return false;
}

/** The JSON the real controller sends for a VM (tartName mirrors localName, as there). */
export function vmJson(vm: VM): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const full = { ...vm, tartName: vm.localName };
  for (const [k, v] of Object.entries(full)) {
    if ((OMIT_EMPTY.has(k) || k === 'tartName') && empty(v)) continue;
    out[k] = v;
  }
  return out;
}

/** A DELETED watch event carries Go's zero VM: only the fields encoding/json never omits. */
export function zeroVmJson(): Record<string, unknown> {
  return {
    observedGeneration: 0,
    restarted_at: ZERO_TIME,
    scheduled_at: ZERO_TIME,
    started_at: ZERO_TIME,
    generation: 0,
    createdAt: ZERO_TIME,
  };
}
