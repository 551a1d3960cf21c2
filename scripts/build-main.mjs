// Bundles the Electron main process and preload into dist/main (CommonJS, as a sandboxed preload must be).
import { build, context } from 'esbuild';

const watch = process.argv.includes('--watch');
const options = {
  entryPoints: { main: 'electron/main.ts', preload: 'electron/preload.ts' },
  outdir: 'dist/main',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  // Native and Electron modules (and electron-updater, which requires electron) are loaded at run
  // time from node_modules, not bundled.
  // @parcel/watcher picks its platform's prebuilt addon package at run time.
  external: [
    'electron',
    'electron-updater',
    'node-pty',
    'better-sqlite3',
    'ssh2',
    'cpu-features',
    '@parcel/watcher',
  ],
  logLevel: 'info',
};

if (watch) await (await context(options)).watch();
else await build(options);
