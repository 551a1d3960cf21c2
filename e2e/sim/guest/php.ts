// Guest `php` stand-in (/usr/local/bin/php): enough of PHP 8.4's CLI and of Laravel's artisan for
// Clave's bootstrap step. `php artisan migrate` really connects to DB_HOST:DB_PORT from .env (so a
// missing host service fails the way PDO does); key:generate, storage:link and the cache commands
// change files the way Laravel does.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { LARAVEL_VERSION, PHP_VERSION, parseEnv, renderPhp, setEnvValue } from './laravel';
import { listDir } from '../util/fsx';

const out = (s: string) => process.stdout.write(s);
const err = (s: string) => process.stderr.write(s);
const info = (s: string) => out(`\n   INFO  ${s}  \n\n`);

function version(): void {
  out(
    `PHP ${PHP_VERSION} (cli) (built: Nov 20 2025 10:14:02) (NTS)\nCopyright (c) The PHP Group\n` +
      `Zend Engine v4.4.14, Copyright (c) Zend Technologies\n    with Zend OPcache v${PHP_VERSION}, Copyright (c), by Zend Technologies\n`,
  );
}

const MODULES = [
  'bcmath',
  'Core',
  'ctype',
  'curl',
  'date',
  'dom',
  'fileinfo',
  'filter',
  'gd',
  'hash',
  'iconv',
  'intl',
  'json',
  'libxml',
  'mbstring',
  'mysqli',
  'mysqlnd',
  'openssl',
  'pcntl',
  'pcre',
  'PDO',
  'pdo_mysql',
  'pdo_sqlite',
  'Phar',
  'posix',
  'random',
  'readline',
  'redis',
  'Reflection',
  'session',
  'SimpleXML',
  'sodium',
  'SPL',
  'sqlite3',
  'standard',
  'tokenizer',
  'xml',
  'xmlreader',
  'xmlwriter',
  'Zend OPcache',
  'zip',
  'zlib',
];

function tryConnect(host: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const t = setTimeout(() => {
      s.destroy();
      resolve('Connection timed out');
    }, timeoutMs);
    s.on('connect', () => {
      clearTimeout(t);
      s.destroy();
      resolve(undefined);
    });
    s.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(t);
      resolve(
        e.code === 'ECONNREFUSED'
          ? 'Connection refused'
          : e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN'
            ? `php_network_getaddresses: getaddrinfo for ${host} failed: Name or service not known`
            : e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH'
              ? 'No route to host'
              : e.message,
      );
    });
  });
}

function readJson(path: string): Record<string, string[]> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, string[]>;
  } catch {
    return {};
  }
}

function dotted(label: string, ms: number): string {
  const right = `${ms.toFixed(2)}ms DONE`;
  const dots = Math.max(3, 110 - 2 - label.length - right.length - 2);
  return `  ${label} ${'.'.repeat(dots)} ${right}\n`;
}

async function migrate(dir: string, env: Map<string, string>, args: string[]): Promise<number> {
  const force = args.includes('--force');
  if ((env.get('APP_ENV') ?? 'production') === 'production' && !force) {
    out('\n   WARN  Application In Production.  \n\n');
    if (!process.stdin.isTTY || args.includes('--no-interaction') || args.includes('-n')) {
      out('   WARN  Command cancelled.  \n\n');
      return 1;
    }
  }
  const connection = env.get('DB_CONNECTION') ?? 'sqlite';
  const database =
    env.get('DB_DATABASE') ??
    (connection === 'sqlite' ? join(dir, 'database', 'database.sqlite') : 'laravel');
  let stateKey: string;
  if (connection === 'sqlite') {
    if (!existsSync(database)) {
      mkdirSync(join(database, '..'), { recursive: true });
      writeFileSync(database, '');
    }
    stateKey = `sqlite:${database}`;
  } else {
    const host = env.get('DB_HOST') ?? '127.0.0.1';
    const port = Number(env.get('DB_PORT') ?? (connection === 'pgsql' ? 5432 : 3306));
    const problem = await tryConnect(host, port, 5000);
    if (problem) {
      const sql =
        connection === 'pgsql'
          ? `select exists (select 1 from pg_class c, pg_namespace n where n.nspname = current_schema() and c.relname = 'migrations' and c.relkind in ('r', 'p') and n.oid = c.relnamespace)`
          : `select exists (select 1 from information_schema.tables where table_schema = '${database}' and table_name = 'migrations' and table_type in ('BASE TABLE', 'SYSTEM VERSIONED')) as \`exists\``;
      const code = connection === 'pgsql' ? '08006] [7' : 'HY000] [2002';
      out(
        `\n   Illuminate\\Database\\QueryException \n\n  SQLSTATE[${code}] ${problem} (Connection: ${connection}, SQL: ${sql})\n\n` +
          `  at vendor/laravel/framework/src/Illuminate/Database/Connection.php:824\n`,
      );
      return 1;
    }
    stateKey = `${connection}:${host}:${port}/${database}`;
  }
  // Which migrations ran lives with the guest (the host service is only a listener).
  const stateFile = '/var/tmp/tart-sim-migrations.json';
  const done = readJson(stateFile);
  const ran = new Set(done[stateKey] ?? []);
  const files = listDir(join(dir, 'database', 'migrations'))
    .filter((f) => f.endsWith('.php'))
    .sort();
  if (!done[stateKey]) {
    info('Preparing database.');
    out(dotted('Creating migration table', 4.12));
  }
  const todo = files.filter((f) => !ran.has(f));
  if (todo.length === 0) {
    info('Nothing to migrate.');
  } else {
    info('Running migrations.');
    for (const f of todo) {
      out(dotted(f.replace(/\.php$/, ''), 5 + Math.random() * 10));
      ran.add(f);
    }
    out('\n');
  }
  done[stateKey] = [...ran];
  try {
    writeFileSync(stateFile, JSON.stringify(done));
  } catch {
    // another user's state file; nothing to remember
  }
  return 0;
}

async function artisan(args: string[]): Promise<number> {
  const dir = process.cwd();
  if (!existsSync(join(dir, 'artisan'))) {
    out('Could not open input file: artisan\n');
    return 1;
  }
  if (!existsSync(join(dir, 'vendor', 'autoload.php'))) {
    err(
      `PHP Warning:  require(${dir}/vendor/autoload.php): Failed to open stream: No such file or directory in ${dir}/artisan on line 10\n` +
        `PHP Fatal error:  Uncaught Error: Failed opening required '${dir}/vendor/autoload.php' (include_path='.:/usr/share/php') in ${dir}/artisan:10\n`,
    );
    return 255;
  }
  const envPath = join(dir, '.env');
  const envText = existsSync(envPath) ? readFileSync(envPath, 'utf8') : undefined;
  const env = parseEnv(envText ?? '');
  const [cmd = 'list', ...rest] = args.filter((a) => a !== '--ansi' && a !== '--no-ansi');
  switch (cmd) {
    case '--version':
    case '-V':
      out(`Laravel Framework ${LARAVEL_VERSION}\n`);
      return 0;
    case 'list':
      out(`Laravel Framework ${LARAVEL_VERSION}\n\nUsage:\n  command [options] [arguments]\n`);
      return 0;
    case 'migrate':
      return migrate(dir, env, rest);
    case 'key:generate': {
      const key = `base64:${randomBytes(32).toString('base64')}`;
      if (rest.includes('--show')) {
        out(key + '\n');
        return 0;
      }
      if (envText === undefined) {
        out(
          `\n   ErrorException \n\n  file_get_contents(${envPath}): Failed to open stream: No such file or directory\n`,
        );
        return 1;
      }
      writeFileSync(envPath, setEnvValue(envText, 'APP_KEY', key));
      info('Application key set successfully.');
      return 0;
    }
    case 'storage:link': {
      const link = join(dir, 'public', 'storage');
      if (existsSync(link)) {
        out('\n   ERROR  The [public/storage] link already exists.  \n\n');
        return 0;
      }
      mkdirSync(join(dir, 'storage', 'app', 'public'), { recursive: true });
      mkdirSync(join(dir, 'public'), { recursive: true });
      symlinkSync(join(dir, 'storage', 'app', 'public'), link);
      info('The [public/storage] link has been connected to [storage/app/public].');
      return 0;
    }
    case 'package:discover':
      info('Discovering packages.');
      return 0;
    case 'config:cache':
      info('Configuration cached successfully.');
      return 0;
    case 'config:clear':
      info('Configuration cache cleared successfully.');
      return 0;
    case 'cache:clear':
      info('Application cache cleared successfully.');
      return 0;
    case 'route:cache':
      info('Routes cached successfully.');
      return 0;
    case 'route:clear':
      info('Route cache cleared successfully.');
      return 0;
    case 'view:clear':
      info('Compiled views cleared successfully.');
      return 0;
    case 'optimize':
    case 'optimize:clear':
      info(
        cmd === 'optimize'
          ? 'Caching framework bootstrap, configuration, and metadata.'
          : 'Clearing cached bootstrap files.',
      );
      return 0;
    default:
      out(`\n   ERROR  Command "${cmd}" is not defined.  \n\n`);
      return 1;
  }
}

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '-v' || first === '--version') {
    version();
    return 0;
  }
  if (first === '-m') {
    out(`[PHP Modules]\n${MODULES.join('\n')}\n\n[Zend Modules]\nZend OPcache\n`);
    return 0;
  }
  if (first === '-r') {
    out(renderPhp(`<?php ${rest[0] ?? ''}`));
    return 0;
  }
  if (first === 'artisan') return artisan(rest);
  if (first === undefined) {
    out(renderPhp(readFileSync(0, 'utf8')));
    return 0;
  }
  if (!existsSync(first)) {
    out(`Could not open input file: ${first}\n`);
    return 1;
  }
  out(renderPhp(readFileSync(first, 'utf8')));
  return 0;
}

main(process.argv.slice(2)).then((code) => process.exit(code));
