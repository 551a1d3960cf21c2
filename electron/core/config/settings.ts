// User settings: a JSON file in the data dir, validated at the edge, environment overrides on top
// (the seed's CLAVE_* variables). A bad file is an error that names the file and the field.
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { Timeouts } from './timeouts';

const PortRange = z
  .object({
    from: z.number().int().min(1024).max(65535),
    to: z.number().int().min(1024).max(65535),
  })
  .refine((r) => r.from <= r.to, 'ports.from must not be above ports.to');

export const Settings = z
  .object({
    baseVm: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/)
      .default('clave-base'),
    baseImage: z.string().min(1).default('ghcr.io/cirruslabs/ubuntu:latest'),
    vm: z
      .object({
        cpus: z.number().int().min(1).max(64).default(4),
        memoryMb: z.number().int().min(1024).max(262144).default(8192),
        display: z
          .string()
          .regex(/^(none|\d+x\d+)$/)
          .default('none'),
      })
      .default({ cpus: 4, memoryMb: 8192, display: 'none' }),
    ssh: z
      .object({
        user: z.string().min(1).default('admin'),
        password: z.string().default('admin'),
        port: z.number().int().min(1).max(65535).default(22),
        privateKeyPath: z.string().optional(),
      })
      .default({ user: 'admin', password: 'admin', port: 22 }),
    ports: PortRange.default({ from: 8081, to: 8199 }),
    timeouts: Timeouts.prefault({}),
    herd: z
      .object({ enabled: z.boolean().default(true), secure: z.boolean().default(true) })
      .default({
        enabled: true,
        secure: true,
      }),
    services: z
      .object({
        mode: z.enum(['host', 'vm']).default('host'),
        mysqlPort: z.number().int().default(3306),
        redisPort: z.number().int().default(6379),
      })
      .default({ mode: 'host', mysqlPort: 3306, redisPort: 6379 }),
    editor: z.string().optional(),
  })
  .strict();
export type Settings = z.infer<typeof Settings>;

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'ConfigError';
  }
}

export function formatZodIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

function readJson(file: string): unknown {
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(
      file,
      `not valid JSON (${(e as Error).message}). Fix or delete the file.`,
    );
  }
}

function intFrom(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n))
    throw new ConfigError(`$${name}`, `expected a whole number, got "${raw}"`);
  return n;
}

/** Environment overrides, as the seed documents them. */
function envOverrides(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const o: Record<string, Record<string, unknown> | unknown> = {};
  const vm: Record<string, unknown> = {};
  const cpus = intFrom(env, 'CLAVE_VM_CPUS');
  const mem = intFrom(env, 'CLAVE_VM_MEMORY');
  if (cpus !== undefined) vm.cpus = cpus;
  if (mem !== undefined) vm.memoryMb = mem;
  if (env.CLAVE_VM_DISPLAY) vm.display = env.CLAVE_VM_DISPLAY;
  if (Object.keys(vm).length) o.vm = vm;
  if (env.CLAVE_BASE_VM) o.baseVm = env.CLAVE_BASE_VM;
  if (env.CLAVE_BASE_IMAGE) o.baseImage = env.CLAVE_BASE_IMAGE;
  const ssh: Record<string, unknown> = {};
  if (env.CLAVE_SSH_USER) ssh.user = env.CLAVE_SSH_USER;
  if (env.CLAVE_SSH_PASSWORD !== undefined) ssh.password = env.CLAVE_SSH_PASSWORD;
  const port = intFrom(env, 'CLAVE_SSH_PORT');
  if (port !== undefined) ssh.port = port;
  if (Object.keys(ssh).length) o.ssh = ssh;
  return o;
}

function merge(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      v &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      b &&
      typeof b === 'object' &&
      !Array.isArray(b)
        ? merge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

export function loadSettings(file: string, env: NodeJS.ProcessEnv = process.env): Settings {
  const raw = readJson(file);
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(file, 'expected a JSON object');
  }
  const parsed = Settings.safeParse(merge(raw as Record<string, unknown>, envOverrides(env)));
  if (!parsed.success) throw new ConfigError(file, formatZodIssues(parsed.error));
  return parsed.data;
}
