// How Clave's Node code is bundled to run without tsx: the Electron main process (build-main.mjs)
// and, for measuring the host as it ships, `clave serve` (bench/lib/host-process.ts).
/** @type {import('esbuild').BuildOptions} */
export const NODE_BUNDLE = {
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
};
