// The real Claude Code for the contract suite: `@anthropic-ai/claude-code` at a pinned version,
// installed on demand into a cache (never a dependency of the app), with its per-platform native
// binary (an optional dependency such as `@anthropic-ai/claude-code-linux-x64`). A simulated VM
// gets the cache as a read-only share and runs the binary as its user.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The version the suite is pinned to; bump it deliberately and re-run the suite. */
export const CLAUDE_CODE_VERSION = process.env.CLAVE_CONTRACT_CLAUDE_VERSION || '2.1.332';
const PACKAGE = '@anthropic-ai/claude-code';

export function claudeCacheRoot(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'clave', 'claude-code');
}

/** The native package for this machine, as the package's own install.cjs chooses it. */
function platformPackage(): string {
  const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
  return `${PACKAGE}-linux-${arch}`;
}

export interface RealClaude {
  version: string;
  /** The cache folder to share into a VM. */
  dir: string;
  /** The native binary's path relative to `dir`. */
  binary: string;
  /** How long the install took (0 when it was cached). */
  installMs: number;
}

export type RealClaudeResult = { ok: true; claude: RealClaude } | { ok: false; reason: string };

async function registryReachable(): Promise<string | undefined> {
  try {
    const { stdout } = await run('npm', ['view', `${PACKAGE}@${CLAUDE_CODE_VERSION}`, 'version'], {
      timeout: 20_000,
    });
    return stdout.trim() === CLAUDE_CODE_VERSION
      ? undefined
      : `${PACKAGE}@${CLAUDE_CODE_VERSION} is not on the registry`;
  } catch (e) {
    return `the npm registry is unreachable (${(e as Error).message.split('\n')[0]})`;
  }
}

/**
 * The pinned Claude Code from the cache, installing it first when missing. Fails (with a reason)
 * only when it is not cached and the registry cannot be reached.
 */
export async function ensureRealClaude(): Promise<RealClaudeResult> {
  const dir = join(claudeCacheRoot(), CLAUDE_CODE_VERSION);
  const binary = join('node_modules', platformPackage(), 'claude');
  if (existsSync(join(dir, binary))) {
    return { ok: true, claude: { version: CLAUDE_CODE_VERSION, dir, binary, installMs: 0 } };
  }
  const unreachable = await registryReachable();
  if (unreachable) return { ok: false, reason: unreachable };
  const started = Date.now();
  // Install beside the final folder and rename, so an interrupted install is never taken as done.
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    await run(
      'npm',
      [
        'install',
        '--prefix',
        tmp,
        '--no-save',
        '--no-audit',
        '--no-fund',
        // The suite runs the platform package's binary itself: no third-party script runs here.
        '--ignore-scripts',
        `${PACKAGE}@${CLAUDE_CODE_VERSION}`,
      ],
      { timeout: 300_000, cwd: tmp },
    );
    if (!existsSync(join(tmp, binary))) {
      throw new Error(`${platformPackage()} was not installed (optional dependencies omitted?)`);
    }
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  return {
    ok: true,
    claude: { version: CLAUDE_CODE_VERSION, dir, binary, installMs: Date.now() - started },
  };
}
