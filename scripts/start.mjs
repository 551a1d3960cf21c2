// `npm start`: the product. On a Mac, build and launch the menu-bar app; anywhere else (no
// Electron, no Tart) the same UI and session host on the simulated VM host, in a browser.
import { spawnSync } from 'node:child_process';

const npm = (script, args = []) =>
  spawnSync('npm', ['run', '--silent', script, '--', ...args], { stdio: 'inherit' }).status ?? 1;

if (process.platform === 'darwin') {
  const built = npm('build');
  if (built !== 0) process.exit(built);
  process.exit(spawnSync('npx', ['electron', '.'], { stdio: 'inherit' }).status ?? 1);
}
console.log('No macOS here: starting the demo on the simulated VM host (npm run demo).');
// `npm start -- --no-services` (or --no-orchard, --profile fast, --port N) reaches the demo.
process.exit(npm('demo', process.argv.slice(2)));
