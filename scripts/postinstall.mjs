// Native modules (node-pty, better-sqlite3) must match the ABI of whatever loads them.
// On a Mac with Electron's binary present, rebuild them for Electron so `npm start` works.
// Elsewhere (Linux CI, no Electron binary) they stay built for Node, which is what tests load.
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const electronPathFile = path.resolve('node_modules/electron/path.txt');
const hasElectronBinary =
  existsSync(electronPathFile) &&
  existsSync(path.resolve('node_modules/electron/dist', readFileSync(electronPathFile, 'utf8')));

if (process.platform !== 'darwin' || !hasElectronBinary) {
  console.log('postinstall: no Electron binary here; native modules stay built for Node (tests).');
  process.exit(0);
}
const result = spawnSync('npx', ['electron-builder', 'install-app-deps'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
