// `npm start`: the product. On a Mac, build and launch the menu-bar app; anywhere else (no
// Electron, no Tart) the same UI and session host on the simulated VM host, in a browser.
import { spawnSync } from 'node:child_process';

const npm = (script) =>
  spawnSync('npm', ['run', '--silent', script], { stdio: 'inherit' }).status ?? 1;

if (process.platform === 'darwin') {
  const built = npm('build');
  if (built !== 0) process.exit(built);
  process.exit(spawnSync('npx', ['electron', '.'], { stdio: 'inherit' }).status ?? 1);
}
console.log('No macOS here: starting the demo on the simulated VM host (npm run demo).');
process.exit(npm('demo'));
