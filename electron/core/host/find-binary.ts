import { access, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import path from 'node:path';
import { runTool } from './run-tool';

/**
 * Shared helper (not an adapter): find host executables the way a user's terminal would, even
 * when the app was launched from Finder or the Dock and inherited launchd's minimal PATH
 * (`/usr/bin:/bin:/usr/sbin:/sbin`).
 */

export async function isExecutableFile(file: string): Promise<boolean> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return false;
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Split a PATH string into absolute directories, dropping empties and duplicates. */
export function pathDirs(pathEnv: string | undefined): string[] {
  const seen = new Set<string>();
  for (const dir of (pathEnv ?? '').split(path.delimiter)) {
    if (dir !== '' && path.isAbsolute(dir)) seen.add(dir);
  }
  return [...seen];
}

/** Join directory lists into one PATH string, first occurrence wins. */
export function mergePath(...parts: ReadonlyArray<string | readonly string[] | undefined>): string {
  const dirs: string[] = [];
  for (const part of parts) {
    if (part === undefined) continue;
    dirs.push(...(typeof part === 'string' ? pathDirs(part) : part));
  }
  return [...new Set(dirs)].join(path.delimiter);
}

export async function searchPath(
  name: string,
  pathEnv: string | undefined,
): Promise<string | null> {
  for (const dir of pathDirs(pathEnv)) {
    const candidate = path.join(dir, name);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return null;
}

const MARKER = '__CLAVE_LOGIN_PATH__';

export interface LoginShellOptions {
  /** The user's shell, normally `$SHELL`; macOS defaults to zsh. */
  shell: string | undefined;
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/**
 * The PATH a user's interactive login shell sets up (`$SHELL -lic`), read once and cached. Tools
 * like Herd add themselves to ~/.zshrc, which only interactive shells read, hence `-i`.
 */
export class LoginShellPath {
  private cached: Promise<string | null> | undefined;

  constructor(private readonly options: LoginShellOptions) {}

  get(): Promise<string | null> {
    this.cached ??= this.read();
    return this.cached;
  }

  private async read(): Promise<string | null> {
    const shell = this.options.shell;
    if (shell === undefined || shell === '' || !path.isAbsolute(shell)) return null;
    if (!(await isExecutableFile(shell))) return null;
    const result = await runTool(shell, ['-lic', `printf '\\n${MARKER}%s\\n' "$PATH"`], {
      env: this.options.env,
      timeoutMs: this.options.timeoutMs ?? 10_000,
    });
    if (result.exitCode === undefined) return null;
    return parseLoginShellPath(result.stdout);
  }
}

/** Pull the marked PATH line out of a login shell's output (rc files may print banners). */
export function parseLoginShellPath(stdout: string): string | null {
  const line = stdout
    .split(/\r?\n/)
    .reverse()
    .find((l) => l.startsWith(MARKER));
  if (line === undefined) return null;
  const value = line.slice(MARKER.length).trim();
  return value === '' ? null : value;
}

export type FoundVia = 'override' | 'well-known' | 'path' | 'login-shell';

export interface FindBinaryOptions {
  name: string;
  /** A path the user configured; when set, it is the only place looked at. */
  override?: string | undefined;
  /** Steps in the order to try them. */
  order: ReadonlyArray<Exclude<FoundVia, 'override'>>;
  /** Absolute paths to try for `well-known`, e.g. Homebrew's `/opt/homebrew/bin/tart`. */
  wellKnown?: readonly string[];
  /** The PATH to search for `path` (the app's own). */
  pathEnv?: string | undefined;
  loginShell?: LoginShellPath | undefined;
}

export type FindBinaryResult =
  { found: true; path: string; via: FoundVia } | { found: false; searched: string[] };

export async function findBinary(options: FindBinaryOptions): Promise<FindBinaryResult> {
  const searched: string[] = [];
  if (options.override !== undefined && options.override !== '') {
    searched.push(options.override);
    return (await isExecutableFile(options.override))
      ? { found: true, path: options.override, via: 'override' }
      : { found: false, searched };
  }
  for (const step of options.order) {
    if (step === 'well-known') {
      for (const candidate of options.wellKnown ?? []) {
        searched.push(candidate);
        if (await isExecutableFile(candidate)) return { found: true, path: candidate, via: step };
      }
    } else if (step === 'path') {
      searched.push(`PATH (${options.pathEnv ?? ''})`);
      const hit = await searchPath(options.name, options.pathEnv);
      if (hit !== null) return { found: true, path: hit, via: step };
    } else if (options.loginShell !== undefined) {
      const loginPath = await options.loginShell.get();
      searched.push(`login shell PATH (${loginPath ?? 'unavailable'})`);
      const hit = await searchPath(options.name, loginPath ?? undefined);
      if (hit !== null) return { found: true, path: hit, via: step };
    }
  }
  return { found: false, searched };
}
