// User settings: a JSON file in the data dir, validated at the edge, environment overrides on top
// (the seed's CLAVE_* variables). A bad file is an error that names the file and the field.
import { existsSync, readFileSync } from 'node:fs';
import { mergeSettings, patchFor, Settings } from '../../../shared/settings';
import { ConfigError } from './config-error';

export { ConfigError, Settings };

export function readJson(file: string): unknown {
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw ConfigError.notJson(file, (e as Error).message);
  }
}

/** The seed's environment overrides: each wins over settings.json for its field. */
const ENV_OVERRIDES: { env: string; path: string; int?: true; allowEmpty?: true }[] = [
  { env: 'CLAVE_VM_CPUS', path: 'vm.cpus', int: true },
  { env: 'CLAVE_VM_MEMORY', path: 'vm.memoryMb', int: true },
  { env: 'CLAVE_VM_DISPLAY', path: 'vm.display' },
  { env: 'CLAVE_BASE_VM', path: 'baseVm' },
  { env: 'CLAVE_BASE_IMAGE', path: 'baseImage' },
  { env: 'CLAVE_SSH_USER', path: 'ssh.user' },
  { env: 'CLAVE_SSH_PASSWORD', path: 'ssh.password', allowEmpty: true },
  { env: 'CLAVE_SSH_PORT', path: 'ssh.port', int: true },
];

/** The overrides set in this environment: which variable decides which field. */
export function activeOverrides(env: NodeJS.ProcessEnv): typeof ENV_OVERRIDES {
  return ENV_OVERRIDES.filter(
    (o) => env[o.env] !== undefined && (o.allowEmpty || env[o.env] !== ''),
  );
}

/** Environment overrides, as the seed documents them, as a nested settings object. */
export function envOverrides(env: NodeJS.ProcessEnv): Record<string, unknown> {
  let out: Record<string, unknown> = {};
  for (const o of activeOverrides(env)) {
    const raw = env[o.env]!;
    let value: unknown = raw;
    if (o.int) {
      value = Number(raw);
      if (!Number.isInteger(value))
        throw new ConfigError(`$${o.env}`, {
          what: `$${o.env} is not a whole number`,
          why: `It is "${raw}".`,
          fix: `Set ${o.env} to a whole number, or unset it to use settings.json.`,
        });
    }
    out = mergeSettings(out, patchFor(o.path, value));
  }
  return out;
}

export function loadSettings(file: string, env: NodeJS.ProcessEnv = process.env): Settings {
  const raw = readJson(file);
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw ConfigError.notObject(file);
  }
  const parsed = Settings.safeParse(
    mergeSettings(raw as Record<string, unknown>, envOverrides(env)),
  );
  if (!parsed.success) throw ConfigError.fromZod(file, parsed.error);
  return parsed.data;
}
