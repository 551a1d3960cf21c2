// The guest's TypeScript programs (claude, php, composer, the web server), bundled with esbuild
// into plain .mjs files once per source version, so each start costs ~50 ms instead of a tsx
// compile. The bundles are mounted read-only at /run/tart-sim/programs in every guest; the image's
// wrappers fall back to tsx when a bundle is missing.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_DIR, SIM_DIR, type SimSettings } from '../config';
import { withLockSync } from '../util/lock';

export const GUEST_PROGRAMS = ['claude', 'php', 'composer', 'web'] as const;
// Every source a bundle is built from (the cache key): programs, shared modules, and all of
// claude's parts (listed from the folder, so a new part can never leave a stale bundle).
const SOURCES = [
  ...GUEST_PROGRAMS,
  'laravel',
  'nginx-site',
  ...readdirSync(join(SIM_DIR, 'guest', 'claude'))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .sort()
    .map((f) => `claude/${f.slice(0, -3)}`),
  'timing',
  '../profile',
];

type BuildSync = (opts: Record<string, unknown>) => unknown;

async function loadEsbuild(): Promise<BuildSync | undefined> {
  try {
    // Resolved from the repository (this module may run as a bundle stored elsewhere).
    const url = pathToFileURL(join(REPO_DIR, 'node_modules', 'esbuild', 'lib', 'main.js')).href;
    const m = (await import(url)) as { buildSync?: BuildSync };
    return m.buildSync;
  } catch {
    return undefined;
  }
}

/** The directory holding <program>.mjs for the current sources, or undefined without esbuild. */
export async function guestPrograms(s: SimSettings): Promise<string | undefined> {
  const h = createHash('sha256');
  for (const f of SOURCES) h.update(readFileSync(join(SIM_DIR, 'guest', `${f}.ts`)));
  const dir = join(s.runDir, 'bin', `guest-${h.digest('hex').slice(0, 12)}`);
  if (existsSync(join(dir, 'web.mjs'))) return dir;
  const buildSync = await loadEsbuild();
  if (!buildSync) return undefined;
  mkdirSync(join(s.runDir, 'bin'), { recursive: true });
  return withLockSync(join(s.runDir, 'bin', '.build.lock'), () => {
    if (existsSync(join(dir, 'web.mjs'))) return dir;
    const tmp = `${dir}.${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    buildSync({
      entryPoints: GUEST_PROGRAMS.map((p) => join(SIM_DIR, 'guest', `${p}.ts`)),
      outdir: tmp,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'silent',
    });
    renameSync(tmp, dir);
    return dir;
  });
}
