// Guest `composer` stand-in (/usr/local/bin/composer): `composer install` lays out vendor/ with an
// autoloader and one directory per required package, writes composer.lock when missing, and runs
// the post-autoload-dump scripts (`@php artisan package:discover`), printing Composer 2's lines
// (on stderr, as Composer does). No network: a package "downloads" in the timing profile's
// composerNetworkMsPerPackage (../profile.ts) and lands in the Composer cache; one found in the
// cache is only extracted (composerCacheMsPerPackage), with no "Downloading" line, as Composer does.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { guestTiming, take } from './timing';

const say = (s: string) => process.stderr.write(s + '\n');

interface ComposerJson {
  require?: Record<string, string>;
  'require-dev'?: Record<string, string>;
  scripts?: Record<string, string | string[]>;
}

function packages(deps: Record<string, string> | undefined): string[] {
  return Object.keys(deps ?? {}).filter(
    (p) => p !== 'php' && !p.startsWith('ext-') && p.includes('/'),
  );
}

function runScripts(dir: string, json: ComposerJson, event: string): number {
  const raw = json.scripts?.[event];
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  for (const s of list) {
    if (s.includes('::')) continue; // a PHP callback (e.g. ComposerScripts::postAutoloadDump)
    say(`> ${s}`);
    const cmd = s.replace(/^@php\s+/, 'php ');
    const r = spawnSync('/bin/sh', ['-c', cmd], { cwd: dir, stdio: 'inherit' });
    if (r.status !== 0) {
      say(`Script ${s} handling the ${event} event returned with error code ${r.status ?? 1}`);
      return r.status ?? 1;
    }
  }
  return 0;
}

/** Composer's cache-dir (Factory::getCacheDir on Linux), or null when caching is off. */
function cacheDir(args: string[]): string | null {
  const env = process.env;
  if (args.includes('--no-cache')) return null;
  const dir =
    env.COMPOSER_CACHE_DIR ||
    (env.COMPOSER_HOME ? join(env.COMPOSER_HOME, 'cache') : '') ||
    join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'composer');
  if (dir === '/dev/null') return null;
  const files = join(dir, 'files');
  try {
    mkdirSync(files, { recursive: true });
    accessSync(files, constants.W_OK);
  } catch {
    // Composer turns a cache it cannot write off entirely (reads included).
    say(
      `Cannot create cache directory ${files}/, or directory is not writable. Proceeding without cache. See also cache-read-only config if your filesystem is read-only.`,
    );
    return null;
  }
  return files;
}

/** Puts `pkg` in vendor/: from the cache when it is there, else "downloaded" into the cache. */
function fetchPackages(pkgs: string[], cache: string | null): void {
  const timing = guestTiming();
  const archive = (p: string) => (cache === null ? null : join(cache, p, 'v1.0.0.zip'));
  const cached = new Set(pkgs.filter((p) => existsSync(archive(p) ?? '/nonexistent')));
  for (const p of pkgs) {
    if (cached.has(p)) continue;
    say(`  - Downloading ${p} (v1.0.0)`);
    take(`composer download ${p}`, timing.composerNetworkMsPerPackage);
    const file = archive(p);
    if (file !== null) {
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, `${p} v1.0.0 (tart-sim archive)\n`);
    }
  }
  for (const p of pkgs) {
    if (cached.has(p)) take(`composer cache ${p}`, timing.composerCacheMsPerPackage);
  }
}

function install(dir: string, args: string[]): number {
  const jsonPath = join(dir, 'composer.json');
  if (!existsSync(jsonPath)) {
    say(`Composer could not find a composer.json file in ${dir}`);
    say(
      'To initialize a project, please create a composer.json file. See https://getcomposer.org/basic-usage',
    );
    return 1;
  }
  let json: ComposerJson;
  try {
    json = JSON.parse(readFileSync(jsonPath, 'utf8')) as ComposerJson;
  } catch {
    say('');
    say('In JsonFile.php line 383:');
    say('');
    say(`  "./composer.json" does not contain valid JSON`);
    return 1;
  }
  const dev = !args.includes('--no-dev');
  const pkgs = [...packages(json.require), ...(dev ? packages(json['require-dev']) : [])];
  const lockPath = join(dir, 'composer.lock');
  if (!existsSync(lockPath)) {
    say(
      'No composer.lock file present. Updating dependencies to latest instead of installing from lock file. See https://getcomposer.org/install for more information.',
    );
    say('Loading composer repositories with package information');
    say('Updating dependencies');
    say(
      `Lock file operations: ${pkgs.length} install${pkgs.length === 1 ? '' : 's'}, 0 updates, 0 removals`,
    );
    for (const p of pkgs) say(`  - Locking ${p} (v1.0.0)`);
    say('Writing lock file');
    writeFileSync(
      lockPath,
      JSON.stringify(
        { packages: pkgs.map((name) => ({ name, version: 'v1.0.0' })), 'packages-dev': [] },
        null,
        4,
      ) + '\n',
    );
  }
  say(`Installing dependencies from lock file${dev ? ' (including require-dev)' : ''}`);
  say('Verifying lock file contents can be installed on current platform.');
  const vendor = join(dir, 'vendor');
  const missing = pkgs.filter((p) => !existsSync(join(vendor, p, 'composer.json')));
  if (missing.length === 0 && existsSync(join(vendor, 'autoload.php'))) {
    say('Nothing to install, update or remove');
  } else {
    say(
      `Package operations: ${missing.length} install${missing.length === 1 ? '' : 's'}, 0 updates, 0 removals`,
    );
    fetchPackages(missing, cacheDir(args));
    for (const p of missing) {
      say(`  - Installing ${p} (v1.0.0): Extracting archive`);
      mkdirSync(join(vendor, p), { recursive: true });
      writeFileSync(
        join(vendor, p, 'composer.json'),
        JSON.stringify({ name: p, version: 'v1.0.0' }) + '\n',
      );
    }
  }
  say('Generating optimized autoload files');
  mkdirSync(join(vendor, 'composer'), { recursive: true });
  writeFileSync(
    join(vendor, 'autoload.php'),
    "<?php\n\n// autoload.php @generated by Composer\n\nrequire_once __DIR__ . '/composer/autoload_real.php';\n",
  );
  writeFileSync(
    join(vendor, 'composer', 'autoload_real.php'),
    '<?php\n// @generated by Composer (tart-sim)\n',
  );
  writeFileSync(
    join(vendor, 'composer', 'installed.json'),
    JSON.stringify({ packages: pkgs.map((name) => ({ name })) }) + '\n',
  );
  const rc = runScripts(dir, json, 'post-autoload-dump');
  if (rc !== 0) return rc;
  if (pkgs.length)
    say(
      `${pkgs.length} package${pkgs.length === 1 ? '' : 's'} you are using are looking for funding.`,
    );
  return runScripts(dir, json, 'post-install-cmd');
}

function main(argv: string[]): number {
  let dir = process.cwd();
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '-d' || a === '--working-dir') dir = resolve(argv[++i] ?? '.');
    else if (a.startsWith('--working-dir=')) dir = resolve(a.slice(14));
    else rest.push(a);
  }
  const [cmd, ...args] = rest.filter(
    (a) =>
      !['-n', '--no-interaction', '-q', '--quiet', '--no-progress', '--ansi', '--no-ansi'].includes(
        a,
      ),
  );
  if (cmd === undefined || cmd === '--version' || cmd === '-V') {
    process.stdout.write('Composer version 2.8.12 2025-09-19 13:41:59\n');
    return 0;
  }
  switch (cmd) {
    case 'install':
    case 'i':
    case 'update':
    case 'u':
      return install(dir, args);
    case 'dump-autoload':
    case 'dumpautoload':
      say('Generating autoload files');
      return 0;
    default:
      say('');
      say(`  Command "${cmd}" is not defined.`);
      say('');
      return 1;
  }
}

process.exit(main(process.argv.slice(2)));
