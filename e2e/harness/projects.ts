// Folders to drop on the demo: a small Laravel-shaped git project (artisan, public/, a gitignored
// .env) that the simulated VM serves, and a plain folder that is not a project at all.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Who the demo's commits (and Clave's merge commits) are by; HOME is the sim's, with no git config. */
export const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: 'Clave Demo',
  GIT_AUTHOR_EMAIL: 'demo@clave.test',
  GIT_COMMITTER_NAME: 'Clave Demo',
  GIT_COMMITTER_EMAIL: 'demo@clave.test',
} as const;

export function createLaravelProject(parent: string, name: string): string {
  const dir = path.join(parent, name);
  mkdirSync(path.join(dir, 'public'), { recursive: true });
  mkdirSync(path.join(dir, 'routes'), { recursive: true });
  writeFileSync(path.join(dir, 'artisan'), '#!/usr/bin/env php\n<?php\n// Laravel artisan\n');
  writeFileSync(
    path.join(dir, 'composer.json'),
    JSON.stringify({ name: `demo/${name}`, require: {} }, null, 2) + '\n',
  );
  // Laravel apps commit their lock file; without one, composer install would create it.
  writeFileSync(path.join(dir, 'composer.lock'), '{"packages":[],"packages-dev":[]}\n');
  writeFileSync(
    path.join(dir, 'public/index.html'),
    `<!doctype html><title>${name}</title><h1>Hello from the session VM</h1>\n`,
  );
  writeFileSync(path.join(dir, 'routes/web.php'), "<?php\n\nRoute::view('/', 'welcome');\n");
  writeFileSync(path.join(dir, '.gitignore'), '.env\n/vendor/\n');
  writeFileSync(
    path.join(dir, '.env'),
    'APP_NAME=Demo\nAPP_KEY=base64:ZGVtby1rZXktZm9yLXRoZS1zaW11bGF0ZWQtaG9zdA==\nDB_CONNECTION=mysql\nDB_HOST=127.0.0.1\nDB_PORT=3306\n',
  );
  const env = { ...process.env, ...GIT_IDENTITY };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'Initial commit');
  return dir;
}

/** A folder with files but no git and no artisan: what a user might drop by mistake. */
export function createPlainFolder(parent: string, name: string): string {
  const dir = path.join(parent, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'notes.txt'), 'Not a project.\n');
  return dir;
}
