// Which of the person's own `~/.claude/settings.json` keys go into the VM, and how they merge with
// the settings Clave writes there. Not wholesale (contracts/claude-code.md §5): hooks would run Mac
// commands in the VM and could steer the agent, statusLine and apiKeyHelper run Mac programs, and
// anything naming a path on the Mac means nothing (or something else) inside the VM.
import { z } from 'zod';
import type { Problem } from '../../../../shared/session';
import { isSecretName } from '../../host/child-env';

/**
 * The allow-list, stated once: each key with the shape it must have to be carried. A value of
 * another shape is dropped with a warning; a key not named here never comes in.
 */
const CARRIED = {
  model: z.string().min(1).max(200),
  alwaysThinkingEnabled: z.boolean(),
  includeCoAuthoredBy: z.boolean(),
  outputStyle: z.string().min(1).max(200),
  env: z.record(z.string(), z.string().max(4096)),
  permissions: z.object({
    allow: z.array(z.string().max(1000)).max(1000).optional(),
    deny: z.array(z.string().max(1000)).max(1000).optional(),
    ask: z.array(z.string().max(1000)).max(1000).optional(),
  }),
} as const;

type Carried = { -readonly [K in keyof typeof CARRIED]?: z.infer<(typeof CARRIED)[K]> };
/** The part of the Mac's settings that goes into the VM. */
export type UserSettings = Carried;

const RULE_LISTS = ['allow', 'deny', 'ask'] as const;

/** Folders that exist only on a Mac; a value naming one is not carried. */
const MAC_ONLY_PATH =
  /(^|[\s(:="'])(~\/|\/Users\/|\/Volumes\/|\/Applications\/|\/Library\/|\/System\/|\/private\/|\/opt\/homebrew\b)/;

/** Whether `value` names a path on this Mac: its home, `~/`, or a macOS-only folder. */
export function namesMacPath(value: string, macHome: string): boolean {
  return MAC_ONLY_PATH.test(value) || (macHome.length > 1 && value.includes(macHome));
}

/** An env variable that is a path or a secret on the Mac stays there. */
function envCarried(name: string, value: string, macHome: string): boolean {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || isSecretName(name)) return false;
  if (/(^|_)(PATH|HOME|DIR|DIRECTORY|FILE|SOCK|SOCKET)$/i.test(name)) return false;
  return !value.startsWith('/') && !namesMacPath(value, macHome);
}

export interface SettingsPick {
  settings: UserSettings;
  /** Keys dropped because their value had the wrong shape (malformed, not merely not allowed). */
  warnings: Problem[];
}

/**
 * The allow-listed part of the Mac's parsed settings.json. `raw` may be anything a file held:
 * a non-object carries nothing and says so.
 */
export function pickUserSettings(raw: unknown, file: string, macHome: string): SettingsPick {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return { settings: {}, warnings: [malformed(file, 'it does not hold a JSON object')] };
  }
  const source = raw as Record<string, unknown>;
  const settings: Carried = {};
  const bad: string[] = [];
  for (const key of Object.keys(CARRIED) as (keyof typeof CARRIED)[]) {
    if (!Object.hasOwn(source, key)) continue;
    const parsed = CARRIED[key].safeParse(source[key]);
    if (!parsed.success) {
      bad.push(key);
      continue;
    }
    if (key === 'env') {
      const env = Object.entries(parsed.data as Record<string, string>).filter(([n, v]) =>
        envCarried(n, v, macHome),
      );
      if (env.length) settings.env = Object.fromEntries(env);
    } else if (key === 'permissions') {
      const rules = parsed.data as NonNullable<Carried['permissions']>;
      const permissions: NonNullable<Carried['permissions']> = {};
      for (const list of RULE_LISTS) {
        const kept = rules[list]?.filter((rule) => !namesMacPath(rule, macHome));
        if (kept?.length) permissions[list] = kept;
      }
      if (Object.keys(permissions).length) settings.permissions = permissions;
    } else if (typeof parsed.data === 'string' && namesMacPath(parsed.data, macHome)) {
      continue;
    } else {
      Object.assign(settings, { [key]: parsed.data });
    }
  }
  return {
    settings,
    warnings: bad.length ? [malformed(file, `${bad.join(', ')}: not the expected type`)] : [],
  };
}

function malformed(file: string, why: string): Problem {
  return {
    what: `Some of your Claude settings were not carried into the VM`,
    why: `${file}: ${why}.`,
    fix: `Correct ${file}, or turn this off with "claude": {"carrySettings": false} in .clave.json.`,
  };
}

export type ClaveSettings = Record<string, unknown> & {
  permissions?: Record<string, unknown>;
  env?: Record<string, string>;
};

/**
 * Clave's own settings for the VM user with the person's carried ones merged in, neither
 * overwriting the other: Clave's keys win where both set one (they are what makes the session
 * work), `env` and `permissions` merge key by key and rule by rule, and `hooks` are only
 * Clave's — the person's never come in (they are not on the allow-list).
 */
export function mergeSettings(
  clave: ClaveSettings,
  user: UserSettings,
  hooks: Record<string, unknown> = {},
): Record<string, unknown> {
  const { env: userEnv, permissions: userRules, ...userRest } = user;
  const merged: Record<string, unknown> = { ...userRest, ...clave };
  const env = { ...userEnv, ...clave.env };
  if (Object.keys(env).length) merged.env = env;
  const permissions: Record<string, unknown> = { ...clave.permissions };
  for (const list of RULE_LISTS) {
    const claveRules = Array.isArray(clave.permissions?.[list])
      ? (clave.permissions[list] as string[])
      : [];
    const rules = [...new Set([...(userRules?.[list] ?? []), ...claveRules])];
    if (rules.length) permissions[list] = rules;
  }
  if (Object.keys(permissions).length) merged.permissions = permissions;
  const claveHooks = { ...(clave.hooks as Record<string, unknown> | undefined), ...hooks };
  if (Object.keys(claveHooks).length) merged.hooks = claveHooks;
  else delete merged.hooks;
  return merged;
}
