// Bundles the Electron main process and preload into dist/main (CommonJS, as a sandboxed preload must be).
import { build, context } from 'esbuild';
import { NODE_BUNDLE } from './node-bundle.mjs';

const watch = process.argv.includes('--watch');
const options = {
  ...NODE_BUNDLE,
  entryPoints: { main: 'electron/main.ts', preload: 'electron/preload.ts' },
  outdir: 'dist/main',
  outExtension: { '.js': '.cjs' },
  logLevel: 'info',
};

if (watch) await (await context(options)).watch();
else await build(options);
