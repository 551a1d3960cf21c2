// Command-line parsing for `clave`: util.parseArgs for the shape, zod for the values.
// Every mistake becomes one line that says what to type instead.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { OnExit } from '../shared/session';

export class UsageError extends Error {}

const SessionId = z.string().regex(/^[a-z0-9]{8}$/);

export type Command =
  | { name: 'run'; dir: string; onExit?: OnExit }
  | { name: 'start'; dir: string; onExit?: OnExit; detach: boolean; json: boolean }
  | { name: 'sessions'; json: boolean }
  | { name: 'attach'; id: string }
  | { name: 'stop'; id: string; onExit?: OnExit; force: boolean }
  | { name: 'exec'; id: string; argv: string[] }
  | { name: 'ssh'; id: string }
  | { name: 'cleanup'; dryRun: boolean }
  | { name: 'auth'; mode: 'setup' | 'status' | 'clear' }
  | { name: 'doctor' }
  | { name: 'provision'; force: boolean; update: boolean; image?: string }
  | { name: 'serve' }
  | { name: 'help' }
  | { name: 'version' };

export const USAGE = `Usage: clave [dir] [--on-exit=keep|merge|discard]
       clave start [dir] [--detach] [--on-exit=…] [--json]
       clave sessions [--json]
       clave attach <id>
       clave stop <id> [--on-exit=keep|merge|discard] [--force]
       clave exec <id> -- <command…>
       clave ssh <id>
       clave cleanup [--dry-run]
       clave auth [--status|--clear]
       clave doctor
       clave provision [--force|--update] [--image=<oci-ref>]
       clave serve`;

const SUBCOMMANDS = new Set([
  'start',
  'sessions',
  'attach',
  'stop',
  'exec',
  'ssh',
  'cleanup',
  'auth',
  'doctor',
  'provision',
  'serve',
  'help',
]);

function onExitOf(v: string | undefined): OnExit | undefined {
  if (v === undefined) return undefined;
  const r = OnExit.safeParse(v);
  if (!r.success) throw new UsageError(`--on-exit must be keep, merge or discard (got "${v}")`);
  return r.data;
}

function idOf(positionals: string[], cmd: string): string {
  const id = positionals[0];
  if (!id) throw new UsageError(`clave ${cmd} needs a session id (see: clave sessions)`);
  if (!SessionId.safeParse(id).success) {
    throw new UsageError(
      `"${id}" is not a session id (8 lower-case letters/digits; see: clave sessions)`,
    );
  }
  if (positionals.length > 1) throw new UsageError(`clave ${cmd} takes one session id`);
  return id;
}

function dirOf(positionals: string[], cwd: string): string {
  if (positionals.length > 1) throw new UsageError('Give one project folder');
  return path.resolve(cwd, positionals[0] ?? '.');
}

export function parseCommand(argv: string[], cwd = process.cwd()): Command {
  if (argv[0] === '--help' || argv[0] === '-h') return { name: 'help' };
  if (argv[0] === '--version' || argv[0] === '-v') return { name: 'version' };
  const sub = argv[0] && SUBCOMMANDS.has(argv[0]) ? argv[0] : 'run';
  const rest = sub === 'run' ? argv : argv.slice(1);

  if (sub === 'exec') {
    const dash = rest.indexOf('--');
    const before = dash === -1 ? rest : rest.slice(0, dash);
    const after = dash === -1 ? [] : rest.slice(dash + 1);
    if (!after.length) throw new UsageError('Usage: clave exec <id> -- <command…>');
    return { name: 'exec', id: idOf(before, 'exec'), argv: after };
  }

  const options = {
    'on-exit': { type: 'string' },
    detach: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
    status: { type: 'boolean', default: false },
    clear: { type: 'boolean', default: false },
    update: { type: 'boolean', default: false },
    image: { type: 'string' },
  } as const;
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0] + ' (see: clave --help)');
  }
  const { values: v, positionals: p } = parsed;
  const allow = (...names: (keyof typeof options)[]) => {
    for (const [k, val] of Object.entries(v)) {
      if (val !== undefined && val !== false && !names.includes(k as keyof typeof options)) {
        throw new UsageError(
          `clave ${sub === 'run' ? '' : sub + ' '}does not take --${k}`.replace('  ', ' '),
        );
      }
    }
  };
  const none = () => {
    if (p.length) throw new UsageError(`clave ${sub} takes no arguments`);
  };

  switch (sub) {
    case 'run':
      allow('on-exit');
      return { name: 'run', dir: dirOf(p, cwd), ...opt('onExit', onExitOf(v['on-exit'])) };
    case 'start':
      allow('on-exit', 'detach', 'json');
      return {
        name: 'start',
        dir: dirOf(p, cwd),
        detach: v.detach,
        json: v.json,
        ...opt('onExit', onExitOf(v['on-exit'])),
      };
    case 'sessions':
      allow('json');
      none();
      return { name: 'sessions', json: v.json };
    case 'attach':
      allow();
      return { name: 'attach', id: idOf(p, 'attach') };
    case 'ssh':
      allow();
      return { name: 'ssh', id: idOf(p, 'ssh') };
    case 'stop':
      allow('on-exit', 'force');
      return {
        name: 'stop',
        id: idOf(p, 'stop'),
        force: v.force,
        ...opt('onExit', onExitOf(v['on-exit'])),
      };
    case 'cleanup':
      allow('dry-run');
      none();
      return { name: 'cleanup', dryRun: v['dry-run'] };
    case 'auth':
      allow('status', 'clear');
      none();
      if (v.status && v.clear) throw new UsageError('Use --status or --clear, not both');
      return { name: 'auth', mode: v.status ? 'status' : v.clear ? 'clear' : 'setup' };
    case 'provision':
      allow('force', 'update', 'image');
      none();
      if (v.force && v.update)
        throw new UsageError('Use --force (rebuild) or --update (upgrade in place), not both');
      return { name: 'provision', force: v.force, update: v.update, ...opt('image', v.image) };
    case 'doctor':
    case 'serve':
    case 'help':
      allow();
      none();
      return { name: sub };
  }
  throw new UsageError(`Unknown command ${sub}`);
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
