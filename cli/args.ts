// Command-line parsing for `clave`: commander for the shape (commands, flags, generated help),
// zod for the values. Every mistake becomes one line that says what to type instead.
import path from 'node:path';
import { Command as Program, CommanderError, type CommandOptions } from 'commander';
import { z } from 'zod';
import { OnExit, SessionBackend, SessionId } from '../shared/session';
import { PoolSettings } from '../shared/settings';

export class UsageError extends Error {}

export type Command =
  | { name: 'run'; dir: string; onExit?: OnExit; backend?: SessionBackend }
  | {
      name: 'start';
      dir: string;
      onExit?: OnExit;
      detach: boolean;
      json: boolean;
      backend?: SessionBackend;
    }
  | { name: 'sync'; id: string; json: boolean }
  | { name: 'sessions'; json: boolean }
  | { name: 'attach'; id: string }
  | { name: 'stop'; id: string; onExit?: OnExit; force: boolean; squash: boolean; message?: string }
  | { name: 'diff'; id: string; stat: boolean; paths: string[] }
  | { name: 'log'; id: string; json: boolean }
  | { name: 'resume'; id: string; detach: boolean; json: boolean }
  | { name: 'wait'; id: string; until: WaitUntil; timeoutSeconds: number | null }
  | { name: 'exec'; id: string; argv: string[] }
  | { name: 'ssh'; id: string }
  | { name: 'cleanup'; dryRun: boolean }
  | { name: 'pool'; size?: number; maxVms?: number; json: boolean }
  | { name: 'auth'; mode: 'setup' | 'status' | 'clear' }
  | {
      name: 'orchard';
      action: 'status' | 'connect' | 'disconnect';
      url?: string;
      account?: string;
      json: boolean;
    }
  | { name: 'doctor' }
  | { name: 'provision'; force: boolean; update: boolean; image?: string }
  | { name: 'serve' }
  | { name: 'help'; text: string }
  | { name: 'version' };

/** What `clave wait` waits for; `stops` = the agent no longer works (any of the others, or error). */
export const WaitUntil = z.enum(['stops', 'idle', 'needs-input', 'exited']);
export type WaitUntil = z.infer<typeof WaitUntil>;

// The values, checked at the edge. Messages are the line the person reads.
const onExit = z
  .string()
  .optional()
  .refine((v) => v === undefined || OnExit.safeParse(v).success, {
    error: (iss) => `--on-exit must be keep, merge or discard (got "${String(iss.input)}")`,
  })
  .transform((v) => v as OnExit | undefined);

const backend = z
  .string()
  .optional()
  .refine((v) => v === undefined || SessionBackend.safeParse(v).success, {
    error: (iss) => `--backend must be tart or orchard (got "${String(iss.input)}")`,
  })
  .transform((v) => v as SessionBackend | undefined);

const sessionId = z.string().refine((id) => SessionId.safeParse(id).success, {
  error: (iss) =>
    `"${String(iss.input)}" is not a session id (8 lower-case letters/digits; see: clave sessions)`,
});

const commitMessage = z
  .string()
  .max(20_000, 'the message is at most 20000 characters')
  .refine((m) => m.trim() !== '', 'the squash message cannot be empty');
const waitUntil = z
  .string()
  .optional()
  .refine((v) => v === undefined || ['idle', 'needs-input', 'exited'].includes(v), {
    error: (iss) => `--until must be idle, needs-input or exited (got "${String(iss.input)}")`,
  })
  .transform((v) => WaitUntil.parse(v ?? 'stops'));

const timeoutSeconds = z
  .string()
  .optional()
  .refine((v) => v === undefined || (/^\d+(\.\d+)?$/.test(v) && Number(v) <= 7 * 86_400), {
    error: (iss) => `--timeout must be a number of seconds (got "${String(iss.input)}")`,
  })
  .transform((v) => (v === undefined ? null : Number(v)));

/** A whole number flag, checked against the setting's own limits. */
const count = (flag: string, setting: z.ZodNumber) =>
  z
    .string()
    .optional()
    .refine((v) => v === undefined || /^\d+$/.test(v), {
      error: (iss) => `${flag} must be a whole number (got "${String(iss.input)}")`,
    })
    .transform((v) => (v === undefined ? undefined : Number(v)))
    .pipe(setting.optional());

const OrchardAction = z.enum(['status', 'connect', 'disconnect'], {
  error: (iss) => `clave orchard takes status, connect or disconnect (got "${String(iss.input)}")`,
});

const onlyOne = (a: string, b: string, message: string) =>
  z.object({ [a]: z.boolean(), [b]: z.boolean() }).refine((o) => !(o[a] && o[b]), message);

function valid<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new UsageError(r.error.issues[0]?.message ?? 'Invalid arguments');
  return r.data;
}

interface Flags {
  onExit?: string;
  detach?: boolean;
  json?: boolean;
  force?: boolean;
  dryRun?: boolean;
  status?: boolean;
  clear?: boolean;
  update?: boolean;
  image?: string;
  squash?: boolean;
  message?: string;
  stat?: boolean;
  until?: string;
  timeout?: string;
  size?: string;
  maxVms?: string;
  backend?: string;
  url?: string;
  account?: string;
}

/** Every flag, once: a command lists the ones it takes. */
const FLAGS = {
  onExit: [
    '--on-exit <mode>',
    'what happens to the work when the session ends: keep, merge or discard',
  ],
  detach: ['--detach', 'start in the background and print the session'],
  json: ['--json', 'print JSON'],
  force: ['--force', 'do it even if work would be lost'],
  dryRun: ['--dry-run', 'list what would be removed, remove nothing'],
  status: ['--status', 'show how Claude is authenticated'],
  clear: ['--clear', 'remove the stored Claude token'],
  update: ['--update', 'upgrade the base VM in place'],
  image: ['--image <oci-ref>', 'build from this image instead of the configured one'],
  squash: ['--squash', 'with --on-exit=merge: one commit on the base branch, not a merge commit'],
  message: ['-m, --message <msg>', "the squash commit's message (default: the session's commits)"],
  stat: ['--stat', 'a summary per file (as git diff --stat)'],
  until: [
    '--until <state>',
    'idle, needs-input or exited (default: until the agent stops working)',
  ],
  timeout: ['--timeout <seconds>', 'give up after this long (exit 124)'],
  size: ['--size <n>', 'how many projects get a standby session (0: off)'],
  maxVms: ['--max-vms <n>', 'the most VMs Clave runs at once, standbys included'],
  backend: [
    '--backend <kind>',
    'where the VM runs: tart (this Mac) or orchard (default: .clave.json, else the setting)',
  ],
  url: ['--url <url>', "the Orchard controller's API, e.g. http://127.0.0.1:6120/v1"],
  account: ['--account <name>', 'the service account (its token is asked for, or read from stdin)'],
} as const;

/**
 * commander reports its own errors through `error()`: said here as Clave says them, naming the
 * command (`clave sessions does not take --detach`) instead of commander's generic sentence.
 */
class ClaveProgram extends Program {
  override createCommand(name?: string): Program {
    return new ClaveProgram(name);
  }

  override error(message: string, options?: { code?: string }): never {
    const cmd = this.name() === 'run' ? 'clave' : `clave ${this.name()}`;
    const arg = this.registeredArguments[0]?.name();
    switch (options?.code) {
      case 'commander.missingArgument':
        throw new UsageError(`${cmd} needs a session id (see: clave sessions)`);
      case 'commander.excessArguments':
        throw new UsageError(
          arg === 'id'
            ? `${cmd} takes one session id`
            : arg === 'dir'
              ? 'Give one project folder'
              : `${cmd} takes no arguments`,
        );
      case 'commander.unknownOption': {
        const flag = /'([^'=]+)/.exec(message)?.[1] ?? '';
        if (OPTION_NAMES.has(flag)) throw new UsageError(`${cmd} does not take ${flag}`);
        throw new UsageError(`Unknown option '${flag}' (see: clave --help)`);
      }
    }
    const line = message.replace(/^error: /, '').split('\n')[0] ?? message;
    throw new UsageError(`${line.charAt(0).toUpperCase()}${line.slice(1)} (see: clave --help)`);
  }
}

const OPTION_NAMES = new Set(
  Object.values(FLAGS).flatMap(([f]) => f.split(/[ ,]+/).filter((w) => w.startsWith('-'))),
);

function program(cwd: string, argv: string[], done: (c: Command) => void): Program {
  const dir = (d: string | undefined) => path.resolve(cwd, d ?? '.');
  const root = new ClaveProgram('clave')
    .description('Claude Code agents in throw-away VMs, one git copy each.')
    .usage('[dir] [--on-exit=keep|merge|discard]\n       clave <command> [options]')
    .version('', '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    // The root's own flags come before a command: the rest, `--` included, is the command's.
    .enablePositionalOptions()
    .exitOverride();
  const add = (
    name: string,
    description: string,
    flags: (keyof typeof FLAGS)[] = [],
    options: CommandOptions = {},
  ) => {
    const cmd = root.command(name, options).description(description);
    for (const f of flags) cmd.option(FLAGS[f][0], FLAGS[f][1]);
    return cmd;
  };

  // The default command: `clave ../app` is `clave run ../app` (its usage is the root's).
  add('run', 'start a session in dir (default: here) and attach to Claude', ['onExit', 'backend'], {
    isDefault: true,
    hidden: true,
  })
    .argument('[dir]', 'the project folder')
    .action((d: string | undefined, f: Flags) =>
      done({
        name: 'run',
        dir: dir(d),
        ...opt('onExit', valid(onExit, f.onExit)),
        ...opt('backend', valid(backend, f.backend)),
      }),
    );
  add('start', 'start a session and print it (attaches unless --detach)', [
    'detach',
    'onExit',
    'json',
    'backend',
  ])
    .argument('[dir]', 'the project folder')
    .action((d: string | undefined, f: Flags) =>
      done({
        name: 'start',
        dir: dir(d),
        detach: f.detach ?? false,
        json: f.json ?? false,
        ...opt('onExit', valid(onExit, f.onExit)),
        ...opt('backend', valid(backend, f.backend)),
      }),
    );
  add('sync', "bring the VM's work into the session copy now (Orchard: code travels by git)", [
    'json',
  ])
    .argument('<id>', 'the session id')
    .action((id: string, f: Flags) =>
      done({ name: 'sync', id: valid(sessionId, id), json: f.json ?? false }),
    );
  add('sessions', 'list sessions', ['json']).action((f: Flags) =>
    done({ name: 'sessions', json: f.json ?? false }),
  );
  add('attach', "attach to a session's Claude (detach: Ctrl-b d)")
    .argument('<id>', 'the session id')
    .action((id: string) => done({ name: 'attach', id: valid(sessionId, id) }));
  add('wait', "wait for a session's agent to reach a state", ['until', 'timeout'])
    .argument('<id>', 'the session id')
    .action((id: string, f: Flags) =>
      done({
        name: 'wait',
        id: valid(sessionId, id),
        until: valid(waitUntil, f.until),
        timeoutSeconds: valid(timeoutSeconds, f.timeout),
      }),
    );
  add('resume', 'resume a kept session: a new VM on its copy, Claude back in its conversation', [
    'detach',
    'json',
  ])
    .argument('<id>', 'the session id')
    .action((id: string, f: Flags) =>
      done({
        name: 'resume',
        id: valid(sessionId, id),
        detach: f.detach ?? false,
        json: f.json ?? false,
      }),
    );
  add('stop', 'stop a session', ['onExit', 'force', 'squash', 'message'])
    .argument('<id>', 'the session id')
    .action((id: string, f: Flags) => {
      const exit = valid(onExit, f.onExit);
      if (f.squash && exit !== 'merge') throw new UsageError('--squash goes with --on-exit=merge');
      if (f.message !== undefined && !f.squash)
        throw new UsageError('-m gives the squash commit its message: add --squash');
      done({
        name: 'stop',
        id: valid(sessionId, id),
        force: f.force ?? false,
        squash: f.squash ?? false,
        ...opt('onExit', exit),
        ...opt('message', f.message === undefined ? undefined : valid(commitMessage, f.message)),
      });
    });
  add('diff', "a session's changes against the commit it started from (git's format)", ['stat'])
    .usage('<id> [--stat] [-- <path>…]')
    .argument('<id>', 'the session id')
    .argument('[paths...]', 'only these files or folders, after --')
    .action((id: string, paths: string[], f: Flags) => {
      // Paths follow `--`, so a file named like a flag is never taken for one.
      if (paths.length > 0 && !argv.includes('--'))
        throw new UsageError('Put paths after --: clave diff <id> -- <path>…');
      done({ name: 'diff', id: valid(sessionId, id), stat: f.stat ?? false, paths });
    });
  add('log', "the session's commits that its base does not have, newest first", ['json'])
    .argument('<id>', 'the session id')
    .action((id: string, f: Flags) =>
      done({ name: 'log', id: valid(sessionId, id), json: f.json ?? false }),
    );
  add('exec', "run a command in a session's VM")
    .usage('<id> -- <command…>')
    .argument('<id>', 'the session id')
    .argument('[command...]', 'the command, after --')
    .action((id: string, command: string[]) => {
      // The command follows `--`, so its own flags are never taken for Clave's.
      const dash = argv.indexOf('--');
      if (dash === -1 || dash === argv.length - 1)
        throw new UsageError('Usage: clave exec <id> -- <command…>');
      if (command.length > argv.length - dash - 1)
        throw new UsageError('clave exec takes one session id');
      done({ name: 'exec', id: valid(sessionId, id), argv: command });
    });
  add('ssh', "open a shell in a session's VM")
    .argument('<id>', 'the session id')
    .action((id: string) => done({ name: 'ssh', id: valid(sessionId, id) }));
  add('cleanup', 'remove what Clave made and nothing uses', ['dryRun']).action((f: Flags) =>
    done({ name: 'cleanup', dryRun: f.dryRun ?? false }),
  );
  add('pool', 'show or set the warm-start pool (standby sessions prepared ahead)', [
    'size',
    'maxVms',
    'json',
  ]).action((f: Flags) =>
    done({
      name: 'pool',
      json: f.json ?? false,
      ...opt('size', valid(count('--size', PoolSettings.shape.size.unwrap()), f.size)),
      ...opt('maxVms', valid(count('--max-vms', PoolSettings.shape.maxVms.unwrap()), f.maxVms)),
    }),
  );
  add('auth', 'store a Claude token (or show / clear it)', ['status', 'clear']).action(
    (f: Flags) => {
      const v = valid(onlyOne('status', 'clear', 'Use --status or --clear, not both'), {
        status: f.status ?? false,
        clear: f.clear ?? false,
      });
      done({ name: 'auth', mode: v.status ? 'status' : v.clear ? 'clear' : 'setup' });
    },
  );
  add('orchard', 'show, set up (connect) or forget (disconnect) the Orchard controller', [
    'url',
    'account',
    'json',
  ])
    .argument('[action]', 'status (default), connect or disconnect')
    .action((action: string | undefined, f: Flags) =>
      done({
        name: 'orchard',
        action: valid(OrchardAction, action ?? 'status'),
        json: f.json ?? false,
        ...opt('url', f.url),
        ...opt('account', f.account),
      }),
    );
  add('doctor', 'check that this Mac can run sessions').action(() => done({ name: 'doctor' }));
  add('provision', 'build the base VM', ['force', 'update', 'image']).action((f: Flags) => {
    valid(
      onlyOne('force', 'update', 'Use --force (rebuild) or --update (upgrade in place), not both'),
      { force: f.force ?? false, update: f.update ?? false },
    );
    done({
      name: 'provision',
      force: f.force ?? false,
      update: f.update ?? false,
      ...opt('image', f.image),
    });
  });
  add('serve', 'run the session host in the foreground').action(() => done({ name: 'serve' }));
  return root;
}

export function parseCommand(argv: string[], cwd = process.cwd()): Command {
  let parsed: Command | null = null;
  let text = '';
  const root = program(cwd, argv, (c) => (parsed = c));
  // Help is printed by main (exit 0); errors become UsageError (exit 64), never commander's exit.
  for (const c of [root, ...root.commands])
    c.configureOutput({ writeOut: (s) => (text += s), writeErr: () => {} });
  try {
    root.parse(argv, { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    if (e.code === 'commander.version') return { name: 'version' };
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.help')
      return { name: 'help', text };
    throw new UsageError(e.message);
  }
  if (!parsed) throw new UsageError('Nothing to do (see: clave --help)');
  return parsed;
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
