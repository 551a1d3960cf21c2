// Clave's user settings, declared once: the schema validates settings.json (core), the
// settings.update request (every face) and the settings form (renderer), which is generated from
// the titles and descriptions below rather than listed a second time.
import { z } from 'zod';

/** A validation refusal at one field, worded for the person at the form. */
export const FieldError = z.object({
  /** Dotted path of the field, e.g. `vm.cpus`; empty for the file as a whole. */
  path: z.string(),
  message: z.string(),
  fix: z.string(),
});
export type FieldError = z.infer<typeof FieldError>;

const PortRange = z
  .object({
    from: z.number().int().min(1024).max(65535).default(8081).meta({
      title: 'First port',
      description: 'Lowest 127.0.0.1 port a session tunnel may use.',
    }),
    to: z.number().int().min(1024).max(65535).default(8199).meta({
      title: 'Last port',
      description: 'Highest 127.0.0.1 port a session tunnel may use.',
    }),
  })
  .refine((r) => r.from <= r.to, {
    path: ['to'],
    message: 'ports.from must not be above ports.to',
    params: { fix: 'Make the last port at least the first port.' },
  });

/** How long Clave waits for a VM: one schema, one set of defaults, for sessions and provisioning
 * (chosen for a first boot of a freshly pulled image on a busy Mac). */
export const Timeouts = z.object({
  ipSeconds: z.number().int().positive().max(3600).default(120).meta({
    title: 'IP address (s)',
    description: 'How long a booting VM may take to get an address.',
  }),
  sshSeconds: z.number().int().positive().max(3600).default(120).meta({
    title: 'SSH (s)',
    description: 'How long sshd in the VM may take to answer.',
  }),
  mountSeconds: z.number().int().positive().max(3600).default(30).meta({
    title: 'Project mount (s)',
    description: 'How long mounting the session copy in the VM may take.',
  }),
  commandSeconds: z.number().int().positive().max(86400).default(600).meta({
    title: 'Bootstrap commands (s)',
    description: 'How long composer install and migrations may take.',
  }),
  scriptSeconds: z.number().int().positive().max(86400).default(3600).meta({
    title: 'Provisioning script (s)',
    description: 'How long building the base image may take.',
  }),
  shutdownSeconds: z.number().int().positive().max(3600).default(60).meta({
    title: 'VM shutdown (s)',
    description: 'How long a VM may take to power off when asked, before it is stopped.',
  }),
});
export type Timeouts = z.output<typeof Timeouts>;

/** Warm start: standby sessions prepared ahead (session/pool/), within a VM budget. */
export const PoolSettings = z.object({
  size: z.number().int().min(0).max(8).default(1).meta({
    title: 'Standby sessions',
    description:
      'Projects (the most recently started) that get a session prepared ahead, so a start takes it at once. 0 turns it off.',
  }),
  maxVms: z.number().int().min(1).max(64).default(4).meta({
    title: 'VM budget',
    description:
      'Most VMs Clave runs at once, standbys included: a standby is only made below it, and a session start removes standbys to stay within it.',
  }),
});

/** Where session VMs run: this Mac's Tart, or the workers of an Orchard controller. */
export const BackendKind = z.enum(['tart', 'orchard']);
export type BackendKind = z.infer<typeof BackendKind>;

/**
 * Where session VMs run, and the Orchard controller (contracts/orchard.md) when it is Orchard.
 * The service account's token is a secret: it lives in the secret store (or
 * $CLAVE_ORCHARD_ACCOUNT), never here.
 */
export const BackendSettings = z
  .object({
    kind: BackendKind.default('tart').meta({
      title: 'Run sessions on',
      description:
        'tart: VMs on this Mac; orchard: VMs on an Orchard cluster (code travels by git). A project’s .clave.json and `clave start --backend` choose too.',
    }),
    url: z.string().url().max(2048).optional().meta({
      title: 'Orchard controller',
      description: 'Its API, e.g. http://127.0.0.1:6120/v1 for `orchard dev`.',
    }),
    serviceAccount: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,128}$/, 'letters, digits, dot, dash and underscore only')
      .optional()
      .meta({
        title: 'Orchard service account',
        description: 'Needs the roles compute:write and compute:connect.',
      }),
    image: z.string().min(1).max(512).optional().meta({
      title: 'Orchard image',
      description:
        'What the workers clone (default: the base VM’s name, which `orchard dev` on this Mac finds; for other Macs, the OCI image you pushed it to).',
    }),
    labels: z.record(z.string().max(128), z.string().max(256)).optional().meta({
      title: 'Worker labels',
      description: 'Labels a worker must have to run a session VM (settings.json only).',
    }),
    resources: z.record(z.string().max(128), z.number().int().min(0)).optional().meta({
      title: 'Worker resources',
      description:
        'Resources a session VM takes on its worker, e.g. org.cirruslabs.memory-mib (settings.json only).',
    }),
  })
  // Strict: a misspelt key (serviceaccount) would otherwise be dropped without a word.
  .strict();
export type BackendSettings = z.infer<typeof BackendSettings>;

export const Settings = z
  .object({
    baseVm: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dot, dash and underscore only')
      .default('clave-base')
      .meta({
        title: 'Base VM',
        description: 'The provisioned Tart VM every session is cloned from.',
      }),
    baseImage: z.string().min(1).default('ghcr.io/cirruslabs/ubuntu:latest').meta({
      title: 'Base image',
      description: 'The OCI image Provision builds the base VM from.',
    }),
    vm: z
      .object({
        cpus: z.number().int().min(1).max(64).default(4).meta({
          title: 'CPUs',
          description: 'Virtual CPUs per session VM.',
        }),
        memoryMb: z.number().int().min(1024).max(262144).default(8192).meta({
          title: 'Memory (MB)',
          description: 'Memory per session VM, in megabytes.',
        }),
        display: z
          .string()
          .regex(/^(none|\d+x\d+)$/, 'none, or a size such as 1280x800')
          .default('none')
          .meta({
            title: 'Display',
            description: 'none for headless VMs, or a window size such as 1280x800.',
          }),
      })
      .default({ cpus: 4, memoryMb: 8192, display: 'none' })
      .meta({ title: 'Session VMs' }),
    ssh: z
      .object({
        user: z.string().min(1).default('admin').meta({
          title: 'User',
          description: 'The VM user Claude runs as (admin in the Cirrus Labs images).',
        }),
        password: z.string().default('admin').meta({
          title: 'Password',
          description: 'That user’s ssh password.',
          secret: true,
        }),
        port: z.number().int().min(1).max(65535).default(22).meta({
          title: 'Port',
          description: 'sshd’s port in the VM.',
        }),
        privateKeyPath: z.string().optional().meta({
          title: 'Private key',
          description: 'An ssh key file to use instead of the password (optional).',
        }),
      })
      .default({ user: 'admin', password: 'admin', port: 22 })
      .meta({ title: 'SSH into the VMs' }),
    ports: PortRange.default({ from: 8081, to: 8199 }).meta({ title: 'Tunnel ports' }),
    timeouts: Timeouts.prefault({}).meta({ title: 'Timeouts' }),
    herd: z
      .object({
        enabled: z.boolean().default(true).meta({
          title: 'Use Herd',
          description: 'Serve each session at <project>-<id>.test through Laravel Herd.',
        }),
        secure: z.boolean().default(true).meta({
          title: 'HTTPS',
          description: 'Serve the .test sites over https (herd proxy --secure).',
        }),
      })
      .default({ enabled: true, secure: true })
      .meta({ title: 'Laravel Herd' }),
    services: z
      .object({
        mode: z.enum(['host', 'vm']).default('host').meta({
          title: 'MySQL and Redis',
          description: 'host: Herd’s services on the Mac; vm: inside each VM.',
        }),
        mysqlPort: z.number().int().min(1).max(65535).default(3306).meta({
          title: 'MySQL port',
          description: 'The host’s MySQL port (host mode).',
        }),
        redisPort: z.number().int().min(1).max(65535).default(6379).meta({
          title: 'Redis port',
          description: 'The host’s Redis port (host mode).',
        }),
      })
      .default({ mode: 'host', mysqlPort: 3306, redisPort: 6379 })
      .meta({ title: 'Services' }),
    notifications: z
      .object({
        needsInput: z.boolean().default(true).meta({
          title: 'Needs input',
          description: 'When an agent waits for your answer or a permission.',
        }),
        idle: z.boolean().default(true).meta({
          title: 'Turn finished',
          description: 'When an agent ends its turn and waits for your next prompt.',
        }),
        error: z.boolean().default(true).meta({
          title: 'Error',
          description: 'When an agent’s turn ends on an API error (network, rate limit, auth).',
        }),
        exited: z.boolean().default(false).meta({
          title: 'Claude exited',
          description: 'When Claude Code ends in a session (Clave asks keep / merge / discard).',
        }),
      })
      // Strict: a misspelt event name would otherwise be dropped without a word.
      .strict()
      .default({ needsInput: true, idle: true, error: true, exited: false })
      .meta({ title: 'Notifications' }),
    pool: PoolSettings.default({ size: 1, maxVms: 4 }).meta({ title: 'Warm start' }),
    backend: BackendSettings.prefault({}).meta({ title: 'Where sessions run' }),
    editor: z.string().min(1).optional().meta({
      title: 'Editor',
      description: 'An app name on macOS (e.g. Visual Studio Code) or a command (optional).',
    }),
  })
  .strict();
export type Settings = z.infer<typeof Settings>;
/** Which agent events raise a notification. */
export type NotificationSettings = Settings['notifications'];
/** What settings.json may hold: every field optional (defaults fill the rest). */
export type SettingsInput = z.input<typeof Settings>;

/** A change to settings.json: nested objects merge, `null` removes a key (back to its default). */
export const SettingsPatch = z.record(z.string(), z.unknown());
export type SettingsPatch = Record<string, unknown>;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

/** Deep-merges `over` onto `base`; with `nullDeletes`, a null in `over` removes the key. */
export function mergeSettings(base: Json, over: Json, nullDeletes = false): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === null && nullDeletes) delete out[k];
    else {
      const value =
        isObject(v) && isObject(out[k]) ? mergeSettings(out[k] as Json, v, nullDeletes) : v;
      // An own property even for `__proto__` (JSON.parse makes one): assigning it would swap the
      // object's prototype instead, and the schema's strict check would never see the key.
      Object.defineProperty(out, k, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return out;
}

/** Zod's issues as field errors, each with a sentence saying what would be accepted. */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((i) => ({
    path: i.path.join('.'),
    message: i.message,
    fix: fixFor(i),
  }));
}

function fixFor(i: z.core.$ZodIssue): string {
  switch (i.code) {
    case 'too_small':
      return i.origin === 'string'
        ? 'Enter a value.'
        : `Use ${i.inclusive === false ? 'more than' : 'at least'} ${String(i.minimum)}.`;
    case 'too_big':
      return `Use ${i.inclusive === false ? 'less than' : 'at most'} ${String(i.maximum)}.`;
    case 'invalid_type':
      return i.expected === 'int' || i.expected === 'number'
        ? 'Enter a whole number.'
        : `Enter a ${i.expected}.`;
    case 'invalid_value':
      return `Choose one of: ${i.values.map(String).join(', ')}.`;
    case 'invalid_format':
      return `Use ${i.message}.`;
    case 'unrecognized_keys':
      return `Remove ${i.keys.join(', ')}: Clave has no such setting.`;
    case 'custom': {
      const fix = (i.params as { fix?: unknown } | undefined)?.fix;
      return typeof fix === 'string' ? fix : 'Change the value.';
    }
    default:
      return 'Change the value.';
  }
}

/** One input of the settings form, read from the schema. */
export interface SettingsField {
  /** Dotted path, e.g. `vm.cpus`. */
  path: string;
  group: string;
  title: string;
  description: string;
  kind: 'integer' | 'string' | 'boolean' | 'enum';
  options?: string[];
  min?: number;
  max?: number;
  default?: unknown;
  /** An optional setting without a default: it may be left empty. */
  optional: boolean;
  secret?: boolean;
}

interface JsonSchema {
  type?: string;
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  default?: unknown;
  secret?: boolean;
}

/** The form's fields, in the schema's order; top-level settings form the "General" group. */
export function settingsFields(): SettingsField[] {
  const root = z.toJSONSchema(Settings, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const out: SettingsField[] = [];
  const field = (
    path: string,
    group: string,
    s: JsonSchema,
    parent: JsonSchema,
  ): SettingsField => ({
    path,
    optional: s.default === undefined && !(parent.required ?? []).includes(path.split('.').pop()!),
    group,
    title: s.title ?? path,
    description: s.description ?? '',
    kind: s.enum ? 'enum' : s.type === 'integer' || s.type === 'boolean' ? s.type : 'string',
    ...(s.enum ? { options: s.enum.map(String) } : {}),
    ...(s.minimum !== undefined ? { min: s.minimum } : {}),
    ...(s.exclusiveMinimum !== undefined ? { min: s.exclusiveMinimum + 1 } : {}),
    ...(s.maximum !== undefined ? { max: s.maximum } : {}),
    ...(s.default !== undefined ? { default: s.default } : {}),
    ...(s.secret ? { secret: true } : {}),
  });
  for (const [key, s] of Object.entries(root.properties ?? {})) {
    if (s.properties) {
      for (const [sub, f] of Object.entries(s.properties))
        // Maps (worker labels, resources) have no form control: settings.json only.
        if (f.type !== 'object') out.push(field(`${key}.${sub}`, s.title ?? key, f, s));
    } else out.push(field(key, 'General', s, root));
  }
  return out;
}

/** The value at a dotted path of a settings object. */
export function valueAt(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (isObject(o) ? o[k] : undefined), obj);
}

/** `{a: {b: v}}` for `a.b`: a patch that sets one field. */
export function patchFor(path: string, value: unknown): SettingsPatch {
  return path
    .split('.')
    .reverse()
    .reduce<unknown>((v, k) => ({ [k]: v }), value) as SettingsPatch;
}
