// A simulated VM prepared the way Clave prepares one for Claude Code — RunClaudeCode's own config
// files and tmux launch — plus what the Claude contract suite needs to watch it: a network with
// no way out (the real Claude must never reach the internet from here), the model API answered
// by fake-anthropic.ts on the gateway, and hooks that append every event's stdin JSON to a spool.
import { randomBytes } from 'node:crypto';
import { connectSsh, type SshConnection } from '../../../electron/core/host/ssh';
import { command, quote } from '../../../electron/core/host/shell-quote';
import type { SessionContext } from '../../../electron/core/session/context';
import {
  AUTH_ENV_FILE,
  PROJECT_DIR,
  TMUX_SESSION,
  startTmuxCommand,
} from '../../../electron/core/session/guest/claude-config';
import { runClaudeCode } from '../../../electron/core/session/steps/run-claude-code';
import { claudeDriver, poll, type ClaudeDriver } from '../guest/claude-driver';
import type { SimHost } from '../harness';
import { bootVM, type RunningVM } from '../vm';
import type { RealClaude } from './claude-install';

export const HOOK_EVENTS = [
  'SessionStart',
  'UserPromptSubmit',
  'PreToolUse',
  'PostToolUse',
  'PermissionRequest',
  'Notification',
  'Stop',
  'StopFailure',
  'SessionEnd',
] as const;

const DIR = '.clave-contract';
const HOOK = `/home/admin/${DIR}/hook`;
export const SPOOL = `/home/admin/${DIR}/events.jsonl`;
/** A `permissions.ask` rule in the user settings: even bypass mode asks before such a call. */
export const ASK_RULE = 'Bash(echo asked:*)';
/** messageIdleNotifThresholdMs written into ~/.claude.json (Claude's default is 60 s). */
export const IDLE_MS = 3000;

/** One spooled hook run: which configured hook ran, its environment, and the stdin JSON. */
export interface HookRun {
  tag: string;
  projectDir: string;
  pwd: string;
  t: number;
  payload: Record<string, unknown>;
}

// One write per event, so parallel hooks never interleave within a line. `tr -d '\n'` is safe:
// JSON strings cannot hold a raw newline.
const HOOK_SCRIPT = `#!/bin/sh
payload=$(tr -d '\\n')
line="{\\"tag\\":\\"$1\\",\\"projectDir\\":\\"$CLAUDE_PROJECT_DIR\\",\\"pwd\\":\\"$PWD\\",\\"t\\":$(date +%s%3N),\\"payload\\":$payload}"
printf '%s\\n' "$line" >> ${SPOOL}
exit 0
`;

const hook = (tag: string, extra: Record<string, unknown> = {}) => ({
  type: 'command',
  command: `${HOOK} ${tag}`,
  ...extra,
});

/** The hooks the suite installs: every event, two matchers, a hook that outlives its timeout. */
export function userHooks(): Record<string, unknown> {
  const all = Object.fromEntries(HOOK_EVENTS.map((e) => [e, [{ hooks: [hook(e)] }]]));
  return {
    ...all,
    UserPromptSubmit: [
      {
        hooks: [
          hook('UserPromptSubmit'),
          { type: 'command', command: `sleep 8; ${HOOK} late`, timeout: 1 },
        ],
      },
    ],
    PreToolUse: [
      { matcher: 'Bash|Write|AskUserQuestion|Agent', hooks: [hook('PreToolUse')] },
      { matcher: 'NoSuchTool', hooks: [hook('never')] },
    ],
    Notification: [{ matcher: 'permission_prompt|idle_prompt', hooks: [hook('Notification')] }],
  };
}

/** Hooks of the project layer (/srv/project/.claude/settings.json) run beside the user's. */
export const PROJECT_HOOKS = { Stop: [{ hooks: [hook('ProjectStop')] }] };

export interface ClaudeVm {
  vm: RunningVM;
  ssh: SshConnection;
  /** Runs a command as the VM user; throws with its output when it fails. */
  sh(cmd: string, timeoutMs?: number): Promise<string>;
  /** Typing, keys and the screen of Claude's tmux pane. */
  screen: ClaudeDriver['screen'];
  waitScreen(re: RegExp, opts?: { timeoutMs?: number }): Promise<string>;
  type: ClaudeDriver['type'];
  keys: ClaudeDriver['keys'];
  events(): Promise<HookRun[]>;
  /** The first spooled event (from index `after` on) that fits. */
  waitEvent(
    pred: (e: HookRun) => boolean,
    what: string,
    timeoutMs?: number,
    after?: number,
  ): Promise<HookRun>;
  /** Hooks (and ASK_RULE) into the user and project settings, the idle threshold into ~/.claude.json. */
  installHooks(): Promise<void>;
  /** Ends the agent's tmux session; starts it again the way RunClaudeCode does. */
  relaunch(): Promise<void>;
  /** Ends the agent's tmux session; starts `claude <args>` with the same credential and cwd. */
  launch(args: string[]): Promise<void>;
  /**
   * Runs `claude <args>` in a tmux session of its own and waits for it to exit (a pane kept by
   * remain-on-exit can miss a process that exits at once): its exit status and last screen.
   */
  runToExit(args: string[], timeoutMs?: number): Promise<{ code: number; screen: string }>;
}

/** The environment every Claude in these VMs gets: the fake API, no optional traffic, no retries. */
export function offlineEnv(apiUrl: string): Record<string, string> {
  return {
    ANTHROPIC_BASE_URL: apiUrl,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    DISABLE_AUTOUPDATER: '1',
    // A failed turn ends at once instead of after 10 retries (~2.5 min).
    CLAUDE_CODE_MAX_RETRIES: '0',
  };
}

/**
 * Cuts every route but the bridge's own subnet (only the gateway and other VMs stay reachable)
 * and proves it: no default route, a connection to a public address and a DNS lookup fail fast.
 */
async function cutTheInternet(sh: ClaudeVm['sh']): Promise<void> {
  await sh(
    'sudo ip route del default 2>/dev/null; sudo ip -6 route flush default 2>/dev/null; true',
  );
  // DNS goes to the guest's own loopback, where nothing listens: refused at once (a query to the
  // gateway can wait out the resolver's 5 s timeout when the host rate-limits its ICMP replies).
  await sh("echo 'nameserver 127.0.0.1' | sudo tee /etc/resolv.conf >/dev/null");
  const routes = await sh('ip -4 route; ip -6 route | grep -v "^fe80" || true');
  const lines = routes.split('\n').filter(Boolean);
  if (lines.some((l) => !l.startsWith('192.168.64.0/24 '))) {
    throw new Error(`the VM still has a route out: ${routes}`);
  }
  const ms = 'echo $(( $(date +%s%3N) - start ))';
  // The real curl: the image's curl (a recorder for offline provisioning) answers internet URLs.
  const probe = await sh(
    `start=$(date +%s%3N); /usr/bin/curl -sS -m 5 -o /dev/null https://1.1.1.1 2>/dev/null && echo REACHED; ${ms}; ` +
      `start=$(date +%s%3N); getent hosts api.anthropic.com >/dev/null && echo RESOLVED; ${ms}`,
  );
  const [connectMs, dnsMs] = probe
    .trim()
    .split('\n')
    .filter((l) => /^\d+$/.test(l))
    .map(Number);
  if (/REACHED|RESOLVED/.test(probe) || !(connectMs! < 2000) || !(dnsMs! < 2000)) {
    throw new Error(`the VM is not cut off from the internet at once: ${probe}`);
  }
}

export async function bootClaudeVm(
  sim: SimHost,
  name: string,
  opts: { apiUrl: string; real?: RealClaude },
): Promise<ClaudeVm> {
  const runArgs = opts.real ? ['--dir', `${opts.real.dir}:ro,tag=clave-contract-claude`] : [];
  const vm = await bootVM(sim, name, { runArgs });
  const ssh = await connectSsh({ host: vm.ip, password: 'admin', deadlineMs: 30_000 });
  const sh = async (cmd: string, timeoutMs = 30_000) => {
    const r = await ssh.exec(cmd, { timeoutMs });
    if (r.code !== 0) throw new Error(`\`${cmd}\` exited ${r.code}: ${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  await cutTheInternet(sh);
  if (opts.real) {
    // Where the native installer would put it: ~/.local/bin/claude, on the login PATH.
    await sh(
      'sudo mkdir -p /opt/claude-code && sudo mount -t virtiofs clave-contract-claude /opt/claude-code && ' +
        command(['ln', '-sf', `/opt/claude-code/${opts.real.binary}`, '.local/bin/claude']),
    );
  }
  const profile = Object.entries(offlineEnv(opts.apiUrl))
    .map(([k, v]) => `export ${k}=${quote(v)}\n`)
    .join('');
  await ssh.writeFile(`~/${DIR}/env.sh`, profile, { mode: 0o644 }).catch(async () => {
    await sh(command(['mkdir', '-p', DIR]));
    await ssh.writeFile(`~/${DIR}/env.sh`, profile, { mode: 0o644 });
  });
  // Login shells (the launch script's `bash -l`) read /etc/profile.d.
  await sh(`sudo install -m 644 ${DIR}/env.sh /etc/profile.d/zz-clave-contract.sh`);
  await ssh.writeFile(`~/${DIR}/hook`, HOOK_SCRIPT, { mode: 0o755 });
  await ssh.writeFile(
    `~/${DIR}/run.sh`,
    `set -a; . "$HOME"/${AUTH_ENV_FILE}; set +a\ncd ${quote(PROJECT_DIR)} || exit 1\nexec claude "$@"\n`,
    { mode: 0o755 },
  );

  const driver = claudeDriver(sh, TMUX_SESSION);
  const events = async (): Promise<HookRun[]> =>
    (await sh(`cat ${SPOOL} 2>/dev/null || true`))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as HookRun);
  const stopSession = async () => {
    await sh(`tmux kill-session -t ${TMUX_SESSION} 2>/dev/null; true`);
    await poll(
      // `[c]` keeps pgrep from matching the shell that runs it.
      async () =>
        (await ssh.exec(`pgrep -f '^[c]laude |[c]laude\\.(mjs|ts)( |$)'`)).code === 0
          ? undefined
          : true,
      10_000,
      () => 'the previous claude to exit',
    );
  };
  const keepPane = () => sh(`tmux set-option -t ${TMUX_SESSION} remain-on-exit on`);
  const c: ClaudeVm = {
    vm,
    ssh,
    sh,
    screen: driver.screen,
    waitScreen: (re, o = {}) => driver.waitScreen(re, o.timeoutMs),
    type: driver.type,
    keys: driver.keys,
    events,
    waitEvent: async (pred, what, timeoutMs = 20_000, after = 0) => {
      let seen: HookRun[] = [];
      return poll(
        async () => {
          seen = (await events()).slice(after);
          return seen.find(pred);
        },
        timeoutMs,
        () => `${what}; spooled: ${seen.map((e) => e.tag).join(', ')}`,
      );
    },
    async installHooks() {
      const js = (v: unknown) => quote(JSON.stringify(v));
      // Merged into the files RunClaudeCode wrote, as Clave's own hooks will be.
      await sh(
        `node -e ${quote(`
          const fs = require('fs');
          const [hooks, idle, project] = process.argv.slice(1).map((a) => JSON.parse(a));
          const merge = (p, f) => { let o = {}; try { o = JSON.parse(fs.readFileSync(p, 'utf8')); } catch {} f(o); fs.writeFileSync(p, JSON.stringify(o, null, 2)); };
          merge(process.env.HOME + '/.claude/settings.json', (o) => {
            o.hooks = hooks;
            o.permissions = { ...o.permissions, ask: [${JSON.stringify(ASK_RULE)}] };
          });
          merge(process.env.HOME + '/.claude.json', (o) => { o.messageIdleNotifThresholdMs = idle; });
          fs.mkdirSync('${PROJECT_DIR}/.claude', { recursive: true });
          merge('${PROJECT_DIR}/.claude/settings.json', (o) => { o.hooks = project; });
        `)} ${js(userHooks())} ${js(IDLE_MS)} ${js(PROJECT_HOOKS)}`,
      );
    },
    async relaunch() {
      await stopSession();
      await sh(startTmuxCommand());
      await keepPane();
    },
    async launch(args) {
      await stopSession();
      await sh(
        command([
          'tmux',
          'new-session',
          '-d',
          '-s',
          TMUX_SESSION,
          '-x',
          '200',
          '-y',
          '50',
          `bash -l "$HOME"/${DIR}/run.sh ${args.map(quote).join(' ')}`,
          // In the same tmux command: a Claude that exits at once must still leave its pane.
          ';',
          'set-option',
          '-t',
          TMUX_SESSION,
          'remain-on-exit',
          'on',
        ]),
      );
    },
    async runToExit(args, timeoutMs = 30_000) {
      await stopSession();
      const once = 'claude-once';
      const run = `bash -l "$HOME"/${DIR}/run.sh ${args.map(quote).join(' ')}`;
      // The shell after claude reports its status and keeps the pane until we have read it.
      const script = `${run}; echo "claude exited $?"; sleep 600`;
      await sh(command(['tmux', 'new-session', '-d', '-s', once, '-x', '200', '-y', '50', script]));
      try {
        const screen = await claudeDriver(sh, once).waitScreen(/claude exited \d+/, timeoutMs);
        return { code: Number(/claude exited (\d+)/.exec(screen)?.[1]), screen };
      } finally {
        await sh(`tmux kill-session -t ${once} 2>/dev/null; true`);
      }
    },
  };
  return c;
}

/** Writes Clave's config and starts Claude in tmux: the RunClaudeCode step itself. */
export async function runClaudeCodeStep(c: ClaudeVm): Promise<void> {
  const ctx = {
    live: { ssh: c.ssh },
    auth: {
      kind: 'api-key',
      value: `sk-ant-api03-clave-contract-${randomBytes(16).toString('hex')}`,
    },
  } as unknown as SessionContext;
  await runClaudeCode.run(ctx, {
    hint: () => undefined,
    warn: () => undefined,
    signal: new AbortController().signal,
  });
}
