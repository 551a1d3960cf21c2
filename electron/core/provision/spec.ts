// What goes into the base image, as typed and validated input. Every value here ends up inside a
// bash script that runs as root in the VM, so the schemas are deliberately narrow: names that a
// package manager, a user database or PHP would accept, nothing that needs shell escaping to be
// meaningful (the generator still quotes everything it interpolates).
import { createHash } from 'node:crypto';
import { z } from 'zod';

/** Bumped whenever the generated script changes in a way that matters for existing bases. */
export const GENERATOR_VERSION = 2;

export { PROJECT_DIR, PROJECT_MOUNT_TAG } from '../vm/guest';

/** The extensions the issue asks for; Laravel needs most of them, the rest are common. */
export const DEFAULT_PHP_EXTENSIONS = [
  'curl',
  'mbstring',
  'xml',
  'mysql',
  'redis',
  'sqlite3',
  'bcmath',
  'gd',
  'intl',
  'zip',
] as const;

/** PHP packages every image gets regardless of the extension list. */
export const PHP_CORE_PACKAGES = ['cli', 'fpm', 'common'] as const;

// Debian policy: lower case letters, digits, + - . ; at least two characters, starts alnum.
const debianPackage = z
  .string()
  .regex(/^[a-z0-9][a-z0-9+.-]{1,62}$/, 'not a Debian package name (a-z 0-9 + - ., e.g. htop)');

const phpExtension = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,31}$/, 'not a PHP extension package suffix (e.g. redis, pgsql)');

// useradd's default NAME_REGEX; `root` is refused because Claude Code must not run as root.
const unixUser = z
  .string()
  .regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'not a Linux user name')
  .refine((u) => u !== 'root', 'the VM user must not be root (Claude Code refuses to run as root)');

/** `8.4` → packages `php8.4-*` from ppa:ondrej/php, socket `/run/php/php8.4-fpm.sock`. */
export const PhpVersion = z.string().regex(/^[5-9]\.[0-9]$/, 'PHP version must look like 8.4');

export const PhpSpec = z
  .object({
    version: PhpVersion.default('8.4'),
    /** Package suffixes (`php8.4-<ext>`); replaces the default list when given. */
    extensions: z
      .array(phpExtension)
      .max(64)
      .default(() => [...DEFAULT_PHP_EXTENSIONS]),
  })
  .strict();

export const ProvisionSpec = z
  .object({
    /** The unprivileged login user of the image (`admin` in the cirruslabs images). */
    user: unixUser.default('admin'),
    php: PhpSpec.prefault({}),
    /** Node.js major from NodeSource. */
    nodeMajor: z.number().int().min(18).max(99).default(22),
    /** How Claude Code is installed for the VM user: the official native installer or npm. */
    claudeInstaller: z.enum(['native', 'npm']).default('native'),
    /** More Debian packages, installed after the base packages. */
    extraPackages: z.array(debianPackage).max(200).default([]),
    /** In-VM services (the seed's `services.mode: "vm"`); off = MySQL/Redis on the host. */
    services: z
      .object({ mysql: z.boolean().default(false), redis: z.boolean().default(false) })
      .strict()
      .prefault({}),
  })
  .strict();

export type ProvisionSpecInput = z.input<typeof ProvisionSpec>;
export type ProvisionSpec = z.output<typeof ProvisionSpec>;

export class ProvisionSpecError extends Error {
  readonly issues: string[];
  constructor(issues: string[]) {
    super(`Invalid provisioning settings: ${issues.join('; ')}`);
    this.name = 'ProvisionSpecError';
    this.issues = issues;
  }
}

/** Validate and fill in defaults; throws ProvisionSpecError naming every bad field. */
export function parseSpec(input: unknown = {}): ProvisionSpec {
  const result = ProvisionSpec.safeParse(input ?? {});
  if (!result.success) {
    throw new ProvisionSpecError(
      result.error.issues.map((i) => `${i.path.join('.') || '(settings)'}: ${i.message}`),
    );
  }
  const spec = result.data;
  // Duplicates would be harmless to apt but make the script and the stamp noisy.
  return {
    ...spec,
    php: { ...spec.php, extensions: unique(spec.php.extensions) },
    extraPackages: unique(spec.extraPackages),
  };
}

/** A stable fingerprint of what an image contains, stamped into the image for later checks. */
export function specHash(spec: ProvisionSpec): string {
  const canonical = JSON.stringify({ generator: GENERATOR_VERSION, spec: sortKeys(spec) });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
