// Starts one of the simulator's TypeScript entry points quickly: runs an esbuild bundle of it,
// rebuilt whenever a source file under e2e/sim is newer, kept in $TART_SIM_RUN_DIR/bin (default
// /run/tart-sim/bin). Falls back to tsx when the bundle cannot be built or stored.
// Usage: node launch.mjs <entry.ts relative to e2e/sim> [args…]
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const sim = dirname(dirname(fileURLToPath(import.meta.url)));
const repo = dirname(dirname(sim));
const [entry, ...args] = process.argv.slice(2);
const source = join(sim, entry);

function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) {
      newest = Math.max(newest, statSync(p).mtimeMs);
    }
  }
  return newest;
}

async function bundle() {
  const runDir = process.env.TART_SIM_RUN_DIR || '/run/tart-sim';
  const name = relative(sim, source).replace(/[/.]/g, '_');
  // Keyed by the whole checkout path: every worktree on this host shares the run dir, and a
  // name from the path's tail (…/e2e/sim) made one checkout run another's newer bundle.
  const checkout = createHash('sha256').update(sim).digest('hex').slice(0, 16);
  const out = join(runDir, 'bin', `cli-${checkout}-${name}.mjs`);
  const newest = newestSource(sim);
  if (existsSync(out) && statSync(out).mtimeMs >= newest) return out;
  const { buildSync } = await import(
    pathToFileURL(join(repo, 'node_modules/esbuild/lib/main.js')).href
  );
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  buildSync({
    entryPoints: [source],
    outfile: tmp,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['esbuild', 'ssh2', 'vitest'],
    // CommonJS dependencies (ws) require Node built-ins: give the ESM bundle a `require`.
    banner: {
      js: "import { createRequire as __simRequire } from 'node:module'; const require = __simRequire(import.meta.url);",
    },
    logLevel: 'silent',
  });
  renameSync(tmp, out);
  return out;
}

process.env.TART_SIM_SOURCE_DIR = sim;
let target;
try {
  target = await bundle();
} catch {
  target = undefined;
}
if (target) {
  process.argv = [process.argv[0], target, ...args];
  await import(pathToFileURL(target).href);
} else {
  const { register } = await import('node:module');
  register(pathToFileURL(join(repo, 'node_modules/tsx/dist/esm/index.mjs')).href, import.meta.url);
  process.argv = [process.argv[0], source, ...args];
  await import(pathToFileURL(source).href);
}
