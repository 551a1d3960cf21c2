import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { HostError, firstLine, tail } from './errors';
import { findBinary, LoginShellPath, mergePath, type FoundVia } from './find-binary';
import { runTool, type ToolResult } from './run-tool';

/**
 * The Laravel Herd adapter (contracts/herd.md): `herd proxy|unproxy|proxies|tld`. Herd is
 * optional: without it a session still works at http://127.0.0.1:<port>, so "not available" is a
 * value with a reason (`availability()`), and `HerdError('herd.unavailable')` only when a caller
 * asks for a proxy anyway.
 */

export type HerdErrorCode =
  'herd.unavailable' | 'herd.invalid-input' | 'herd.failed' | 'herd.timeout';

export class HerdError extends HostError<HerdErrorCode> {}

export type HerdAvailability =
  | { available: true; binary: string; via: FoundVia }
  | { available: false; reason: string; fix: string };

export interface HerdProxy {
  /** Site name without the tld, as `herd proxies` shows it. */
  site: string;
  secure: boolean;
  url: string;
  /** Where the proxy forwards to, e.g. http://127.0.0.1:8081. */
  target: string;
}

export interface HerdOptions {
  /** A herd path configured by the user (step 1 of contract §2). */
  binary?: string;
  home?: string;
  env?: NodeJS.ProcessEnv;
  /** Each proxy/unproxy restarts nginx; allow for it. Default 60 s. */
  timeoutMs?: number;
}

/** One DNS label (or several joined by dots): what `herd proxy` accepts as a site name. */
export const ProxyNameSchema = z
  .string()
  .max(200)
  .regex(
    /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/,
    'lowercase letters, digits, - and .',
  );

export const ProxyTargetSchema = z
  .string()
  .regex(/^https?:\/\/[^\s,]+$/, 'a full http:// or https:// URL')
  .refine((u) => URL.canParse(u), 'a valid URL');

const TldSchema = z.string().regex(/^[a-z0-9][a-z0-9-]*$/);

export class Herd {
  private readonly env: NodeJS.ProcessEnv;
  private readonly home: string;
  private readonly timeoutMs: number;
  private readonly loginShell: LoginShellPath;
  private found: Promise<HerdAvailability> | undefined;
  private cachedTld: string | undefined;

  constructor(private readonly options: HerdOptions = {}) {
    this.env = options.env ?? process.env;
    this.home = options.home ?? os.homedir();
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.loginShell = new LoginShellPath({ shell: this.env.SHELL, env: this.env });
  }

  /** Valet home inside Herd (contract §1). */
  get valetHome(): string {
    return path.join(this.home, 'Library', 'Application Support', 'Herd', 'config', 'valet');
  }

  /**
   * Where `herd` is, in the order of contract §2: the configured path, Herd's own bin folder,
   * then (beyond the contract, for terminal-launched runs) the app's PATH, then the login shell.
   * A positive answer is cached; a negative one is re-checked next time (Herd may be installed
   * meanwhile).
   */
  availability(): Promise<HerdAvailability> {
    const attempt = (this.found ??= this.locate());
    attempt.then((a) => {
      if (!a.available && this.found === attempt) this.found = undefined;
    });
    return attempt;
  }

  /** `herd proxy <name> <target> [--secure]`; resolves with the site's URL. */
  async proxy(
    name: string,
    target: string,
    options: { secure?: boolean } = {},
  ): Promise<{ url: string }> {
    const site = parse(ProxyNameSchema, name, 'site name');
    const to = parse(ProxyTargetSchema, target, 'proxy target');
    const args = ['proxy', site, to, ...(options.secure === true ? ['--secure'] : [])];
    await this.call(args, `Could not create the Herd site ${site}`);
    const tld = await this.tld();
    const domain = site.endsWith(`.${tld}`) ? site : `${site}.${tld}`;
    return { url: `${options.secure === true ? 'https' : 'http'}://${domain}` };
  }

  /** `herd unproxy <name>`; removing a name that is not proxied is not an error. */
  async unproxy(name: string): Promise<void> {
    const site = parse(ProxyNameSchema, name, 'site name');
    const r = await this.call(['unproxy', site], `Could not remove the Herd site ${site}`, {
      allowFailure: true,
    });
    if (r.exitCode === 0) return;
    if (
      /not (found|proxied|exist)|does not exist|doesn't exist|no such|unknown (site|proxy)/i.test(
        r.stdout + r.stderr,
      )
    ) {
      return;
    }
    throw failed(`Could not remove the Herd site ${site}`, r);
  }

  /** `herd proxies`, parsed from its table. */
  async proxies(): Promise<HerdProxy[]> {
    const r = await this.call(['proxies'], 'Could not list the Herd proxies');
    return parseProxies(r.stdout);
  }

  /** The top-level domain Herd serves (`test` by default); read-only, cached. */
  async tld(): Promise<string> {
    if (this.cachedTld !== undefined) return this.cachedTld;
    const r = await this.call(['tld'], 'Could not read Herd’s domain', { allowFailure: true });
    const fromCli = r.stdout
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '')
      .pop();
    let tld =
      r.exitCode === 0 && fromCli !== undefined && TldSchema.safeParse(fromCli).success
        ? fromCli
        : undefined;
    tld ??= await this.tldFromConfig();
    if (tld === undefined) throw failed('Could not read Herd’s domain', r);
    this.cachedTld = tld;
    return tld;
  }

  private async tldFromConfig(): Promise<string | undefined> {
    try {
      const json = JSON.parse(
        await readFile(path.join(this.valetHome, 'config.json'), 'utf8'),
      ) as unknown;
      const tld = (json as { tld?: unknown }).tld;
      return typeof tld === 'string' && TldSchema.safeParse(tld).success ? tld : undefined;
    } catch {
      return undefined;
    }
  }

  private async locate(): Promise<HerdAvailability> {
    const found = await findBinary({
      name: 'herd',
      override: this.options.binary,
      order: ['well-known', 'path', 'login-shell'],
      wellKnown: [path.join(this.home, 'Library', 'Application Support', 'Herd', 'bin', 'herd')],
      pathEnv: this.env.PATH,
      loginShell: this.loginShell,
    });
    if (found.found) return { available: true, binary: found.path, via: found.via };
    return {
      available: false,
      reason:
        this.options.binary !== undefined && this.options.binary !== ''
          ? `The configured Herd path ${this.options.binary} is not an executable.`
          : 'Laravel Herd is not installed (no `herd` in Herd’s folder, on PATH or in your shell).',
      fix: 'Install Laravel Herd from herd.laravel.com to get a .test address per session, or set its path in Settings. Sessions work without it at http://127.0.0.1:<port>.',
    };
  }

  private async call(
    args: string[],
    what: string,
    options: { allowFailure?: boolean } = {},
  ): Promise<ToolResult> {
    const availability = await this.availability();
    if (!availability.available) {
      throw new HerdError({
        code: 'herd.unavailable',
        what,
        why: availability.reason,
        fix: availability.fix,
      });
    }
    const binary = availability.binary;
    const r = await runTool(binary, args, {
      env: {
        ...this.env,
        // The herd shim runs Herd's PHP from its own bin folder.
        PATH: mergePath([path.dirname(binary)], this.env.PATH, '/usr/bin:/bin:/usr/sbin:/sbin'),
      },
      timeoutMs: this.timeoutMs,
    });
    if (r.spawnErrorCode !== undefined) {
      this.found = undefined;
      throw new HerdError({
        code: 'herd.unavailable',
        what,
        why: `Running ${binary} failed (${r.spawnErrorCode}).`,
        fix: 'Reinstall Laravel Herd, or fix its path in Settings.',
      });
    }
    if (r.timedOut) {
      throw new HerdError({
        code: 'herd.timeout',
        what,
        why: `\`herd ${args[0] ?? ''}\` did not finish within ${Math.round(this.timeoutMs / 1000)} s.`,
        fix: 'Open Herd and check that its services are running (it may be showing a prompt), then retry.',
        detail: tail(r.stdout + r.stderr),
      });
    }
    if (r.exitCode !== 0 && options.allowFailure !== true) throw failed(what, r);
    return r;
  }
}

/**
 * Parse Valet/Herd's box-drawn table (`| Site | SSL | URL | Host |`). Columns are found by their
 * header names when there is a header; border rows are skipped; cells are trimmed.
 */
export function parseProxies(stdout: string): HerdProxy[] {
  const rows = stdout
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.startsWith('|'))
    .map((line) =>
      line
        .replace(/^\|/, '')
        .replace(/\|$/, '')
        .split('|')
        .map((cell) => cell.trim()),
    );
  let columns = { site: 0, ssl: 1, url: 2, host: 3 };
  const out: HerdProxy[] = [];
  for (const cells of rows) {
    const lower = cells.map((c) => c.toLowerCase());
    if (lower.includes('site') && lower.includes('url')) {
      columns = {
        site: lower.indexOf('site'),
        ssl: lower.indexOf('ssl'),
        url: lower.indexOf('url'),
        host: Math.max(lower.indexOf('host'), lower.indexOf('target')),
      };
      continue;
    }
    const site = cells[columns.site] ?? '';
    const url = cells[columns.url] ?? '';
    if (site === '' || !/^https?:\/\//.test(url)) continue;
    out.push({
      site,
      secure: columns.ssl >= 0 && (cells[columns.ssl] ?? '') !== '',
      url,
      target: columns.host >= 0 ? (cells[columns.host] ?? '') : '',
    });
  }
  return out;
}

function failed(what: string, r: ToolResult): HerdError {
  return new HerdError({
    code: 'herd.failed',
    what,
    why:
      firstLine(r.stderr) ||
      firstLine(r.stdout) ||
      `herd exited with ${r.exitCode ?? r.signal ?? 'no status'}`,
    fix: 'Open Herd and check that nginx is running; see the details for Herd’s message.',
    detail: tail(`${r.stdout}\n${r.stderr}`),
  });
}

function parse<T extends z.ZodType>(schema: T, value: unknown, label: string): z.output<T> {
  const r = schema.safeParse(value);
  if (!r.success) {
    throw new HerdError({
      code: 'herd.invalid-input',
      what: `Invalid ${label} for Herd`,
      why: `${JSON.stringify(value)}: ${r.error.issues.map((i) => i.message).join('; ')}`,
      fix: 'This is a bug in the caller; report it.',
    });
  }
  return r.data;
}
