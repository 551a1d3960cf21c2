// `clave`: the seed's command-line UX, as a client of the session host.
import { createInterface } from 'node:readline/promises';
import type { ClaveApi, ExitInfo } from '../shared/api';
import { ApiError } from '../shared/protocol';
import { describeStakes } from '../shared/stakes';
import type { OnExit, PipelineEvent, SessionBackend, SessionSummary } from '../shared/session';
import { dataDir, dataPaths } from '../electron/core/config/paths';
import { parseCommand, UsageError, type Command } from './args';
import { diffCommand, logCommand } from './changes';
import { cleanupLines, keptLines, unfinishedStopLines } from './cleanup-report';
import { poolLines } from './pool';
import { connectToHost } from './host-connection';
import { createProgressRenderer, dim, formatProblemLines, red, yellow } from './progress';
import { attachTerminal } from './terminal';

const paths = dataPaths(dataDir());

function fail(message: string, code = 1): never {
  process.stderr.write(`clave: ${message}\n`);
  process.exit(code);
}

async function main(argv: string[]): Promise<number> {
  let cmd: Command;
  try {
    cmd = parseCommand(argv);
  } catch (e) {
    if (e instanceof UsageError) fail(e.message, 64);
    throw e;
  }
  if (cmd.name === 'help') return (void process.stdout.write(cmd.text), 0);
  if (cmd.name === 'version') return (void process.stdout.write(`${await version()}\n`), 0);
  if (cmd.name === 'serve') {
    const { serve } = await import('./serve');
    return serve(paths);
  }
  if (cmd.name === 'auth' && cmd.mode === 'setup') {
    const { setupAuth } = await import('./auth-setup');
    return setupAuth(paths);
  }

  // `exec` and `ssh` answer like ssh: the remote command's code, or 255 when Clave itself failed.
  const failCode = cmd.name === 'exec' || cmd.name === 'ssh' ? 255 : 1;
  try {
    const conn = await connectToHost(paths);
    try {
      return await conn.untilClosed(run(conn.api, cmd));
    } finally {
      conn.end();
    }
  } catch (e) {
    return report(e, failCode);
  }
}

function report(e: unknown, code: number): number {
  const lines =
    e instanceof ApiError
      ? formatProblemLines(e.problem)
      : [e instanceof Error ? e.message : String(e)];
  process.stderr.write(`clave: ${lines.join('\n')}\n`);
  return code;
}

async function run(api: ClaveApi, cmd: Command): Promise<number> {
  switch (cmd.name) {
    case 'run':
    case 'start':
    case 'resume': {
      let session =
        cmd.name === 'resume'
          ? await resumeWithProgress(api, cmd.id)
          : await startWithProgress(api, cmd.dir, cmd.onExit, cmd.backend);
      if (
        session === 'no-base-vm' &&
        process.stdin.isTTY &&
        (await confirm('Provision the base VM now (takes a few minutes)?'))
      ) {
        const { provisionCommand } = await import('./provision');
        if ((await provisionCommand(api, { force: false, update: false })) !== 0) return 1;
        session =
          cmd.name === 'resume'
            ? await resumeWithProgress(api, cmd.id)
            : await startWithProgress(api, cmd.dir, cmd.onExit, cmd.backend);
      }
      if (session === null || session === 'no-base-vm') return 1;
      for (const w of session.warnings)
        process.stderr.write(yellow('! ') + formatProblemLines(w).join('\n') + '\n');
      if (cmd.name !== 'run' && (cmd.detach || cmd.json)) {
        printStarted(session, cmd.json);
        return 0;
      }
      if (cmd.name !== 'run') printStarted(session, false);
      process.stderr.write(
        dim(
          `Attaching to Claude in ${session.vmName} (detach: Ctrl-b d; the agent keeps running)\n`,
        ),
      );
      // The host reports the agent's own exit before the terminal's, so the flag is set in time.
      let agentExited = false;
      const offExited = api.on('session.agentExited', (e) => {
        if (e.sessionId === session.id) agentExited = true;
      });
      const code = await attachTerminal(api, { sessionId: session.id, kind: 'agent' }).finally(
        offExited,
      );
      if (!agentExited && code === null) return noExitStatus(session.id, 1);
      if (!agentExited) {
        process.stderr.write(
          dim(
            `Detached. The session goes on: clave attach ${session.id} · clave stop ${session.id}\n`,
          ),
        );
        return 0;
      }
      return stopWithDecision(api, session.id, cmd.name === 'resume' ? undefined : cmd.onExit);
    }
    case 'sessions': {
      const list = await api.call('sessions.list', {});
      if (cmd.json) return (void process.stdout.write(JSON.stringify(list, null, 2) + '\n'), 0);
      if (!list.length) return (void process.stdout.write('No sessions.\n'), 0);
      const rows = list.map((s) => [
        s.id,
        s.projectName,
        s.state,
        agentColumn(s),
        s.branch ?? '-',
        s.vmName ?? '-',
        whereColumn(s),
        s.url ?? '-',
        ago(s.startedAt),
      ]);
      printTable(['ID', 'PROJECT', 'STATE', 'AGENT', 'BRANCH', 'VM', 'ON', 'URL', 'STARTED'], rows);
      for (const line of [...keptLines(list), ...unfinishedStopLines(list)])
        process.stdout.write(line + '\n');
      return 0;
    }
    case 'sync': {
      const r = await api.call('sessions.sync', { id: cmd.id });
      process.stdout.write(
        cmd.json
          ? JSON.stringify(r) + '\n'
          : `Synced: the copy has the VM's work as of ${r.syncedAt}\n`,
      );
      return 0;
    }
    case 'attach': {
      await api.call('sessions.get', { id: cmd.id });
      const code = await attachTerminal(api, { sessionId: cmd.id, kind: 'agent' });
      return code === null ? noExitStatus(cmd.id, 1) : 0;
    }
    case 'ssh': {
      await api.call('sessions.get', { id: cmd.id });
      const code = await attachTerminal(api, { sessionId: cmd.id, kind: 'shell' });
      return code ?? noExitStatus(cmd.id);
    }
    case 'exec': {
      const code = await attachTerminal(api, {
        sessionId: cmd.id,
        kind: 'exec',
        command: cmd.argv,
      });
      return code ?? noExitStatus(cmd.id);
    }
    case 'wait': {
      const { waitCommand } = await import('./wait');
      return waitCommand(api, cmd, {
        done: (s) =>
          process.stdout.write(
            `${s.agent?.state ?? s.state}${s.agent?.detail ? `: ${s.agent.detail}` : ''}\n`,
          ),
        problem: (p) => process.stderr.write(`clave: ${formatProblemLines(p).join('\n')}\n`),
      });
    }
    case 'stop':
      return stopWithDecision(api, cmd.id, cmd.onExit, cmd.force, {
        squash: cmd.squash,
        ...(cmd.message === undefined ? {} : { message: cmd.message }),
      });
    case 'diff':
      return diffCommand(api, cmd);
    case 'log':
      return logCommand(api, cmd);
    case 'cleanup': {
      const r = await api.call('sessions.cleanup', { dryRun: cmd.dryRun });
      for (const line of cleanupLines(r)) process.stdout.write(line + '\n');
      for (const p of r.problems)
        process.stderr.write(red('✗ ') + formatProblemLines(p).join('\n') + '\n');
      return r.problems.length ? 1 : 0;
    }
    case 'pool': {
      const { name: _n, json: _j, ...change } = cmd;
      const s = Object.keys(change).length
        ? await api.call('pool.set', change)
        : await api.call('pool.get', {});
      if (cmd.json) return (void process.stdout.write(JSON.stringify(s) + '\n'), 0);
      for (const line of poolLines(s)) process.stdout.write(line + '\n');
      return 0;
    }
    case 'auth': {
      if (cmd.mode === 'clear') {
        await api.call('auth.clear', {});
        process.stdout.write('Stored Claude token removed.\n');
        return 0;
      }
      const s = await api.call('auth.status', {});
      process.stdout.write(
        s.method === 'none'
          ? 'Not authenticated. Run: clave auth\n'
          : `Authenticated with ${s.method} from ${s.source}\n`,
      );
      return s.method === 'none' ? 1 : 0;
    }
    case 'provision': {
      const { provisionCommand } = await import('./provision');
      return provisionCommand(api, cmd);
    }
    case 'orchard': {
      const { orchardCommand } = await import('./orchard');
      return orchardCommand(api, cmd);
    }
    case 'doctor': {
      const checks = await api.call('doctor.run', {});
      const mark = { ok: '✓', warn: '!', fail: '✗', skip: '–' } as const;
      for (const c of checks) {
        process.stdout.write(`${mark[c.status]} ${c.name}: ${c.detail}\n`);
        if (c.fix && c.status !== 'ok') process.stdout.write(`    fix: ${c.fix}\n`);
      }
      return checks.some((c) => c.status === 'fail') ? 1 : 0;
    }
    default:
      return 1;
  }
}

/**
 * The VM's side of a terminal ended without an exit status (a tmux detach, the agent's own exit
 * and a finished command all have one): the session was stopped, or its VM or sshd went away.
 * exec and ssh fail with 255, as ssh does.
 */
function noExitStatus(id: string, code = 255): number {
  return report(
    new ApiError({
      what: 'The terminal in the VM ended without an exit status',
      why: 'The session was stopped, or its VM or ssh server went away, while this terminal was open.',
      fix: `See \`clave sessions\` for the state of ${id}; once it runs, try again.`,
    }),
    code,
  );
}

/**
 * Starts a session and renders its progress until it runs (or fails). Ctrl-C while it starts
 * stops it: teardown removes what was made, keeping any work.
 */
function startWithProgress(
  api: ClaveApi,
  projectDir: string,
  onExit?: OnExit,
  backend?: SessionBackend,
) {
  return followStart(
    api,
    () =>
      api.call('sessions.start', {
        projectDir,
        ...(onExit ? { onExit } : {}),
        ...(backend ? { backend } : {}),
      }),
    'discard',
  );
}

/** A kept session resumes; Ctrl-C while it starts leaves it kept, as it was. */
function resumeWithProgress(api: ClaveApi, id: string) {
  return followStart(api, () => api.call('sessions.resume', { id }), 'keep');
}

async function followStart(
  api: ClaveApi,
  begin: () => Promise<SessionSummary>,
  onInterrupt: OnExit,
): Promise<SessionSummary | null | 'no-base-vm'> {
  const render = createProgressRenderer();
  let failedStep: string | null = null;
  let id: string | null = null;
  const early: { sessionId: string; event: PipelineEvent }[] = [];
  let settle: (ok: boolean) => void = () => {};
  const finished = new Promise<boolean>((resolve) => (settle = resolve));
  const onEvent = (event: PipelineEvent) => {
    render(event);
    if (event.type === 'step-failed') {
      failedStep = event.step;
      settle(false);
    }
    if (event.type === 'pipeline-finished' && event.pipeline === 'session') settle(true);
  };
  const off = api.on('session.progress', (e) => {
    if (id === null) early.push(e);
    else if (e.sessionId === id) onEvent(e.event);
  });
  const interrupt = () => {
    if (id) void api.call('sessions.stop', { id, onExit: onInterrupt }).catch(() => {});
    settle(false);
  };
  process.once('SIGINT', interrupt);
  try {
    const started = await begin();
    // A resume of a session that runs already (another face resumed it first) has no start to follow.
    if (started.state === 'running') return started;
    id = started.id;
    for (const e of early.splice(0)) if (e.sessionId === id) onEvent(e.event);
    if (!(await finished)) return failedStep === 'ensure-vm-exists' ? 'no-base-vm' : null;
    return await api.call('sessions.get', { id });
  } finally {
    off();
    process.off('SIGINT', interrupt);
  }
}

async function stopWithDecision(
  api: ClaveApi,
  id: string,
  onExit?: OnExit,
  force = false,
  merge: { squash?: boolean; message?: string } = {},
): Promise<number> {
  let decision = onExit;
  if (!decision) {
    const asked = await askDecision(await api.call('sessions.exitInfo', { id }));
    decision = asked.onExit;
    if (asked.squash) merge = { squash: true };
  }
  let result = await api.call('sessions.stop', {
    id,
    onExit: decision,
    force,
    ...(decision === 'merge' ? merge : {}),
  });
  if (result.problem && decision === 'discard' && !force && process.stdin.isTTY) {
    process.stderr.write(yellow('! ') + formatProblemLines(result.problem).join('\n') + '\n');
    if (await confirm('Discard anyway? The commits will be lost.')) {
      result = await api.call('sessions.stop', { id, onExit: 'discard', force: true });
    }
  }
  for (const p of result.teardownProblems)
    process.stderr.write(red('✗ ') + formatProblemLines(p).join('\n') + '\n');
  if (result.problem)
    process.stderr.write(yellow('! ') + formatProblemLines(result.problem).join('\n') + '\n');
  process.stdout.write(
    result.teardownProblems.length
      ? `Session ${id}: work ${result.outcome}, but not all of it was torn down (above); once that is fixed, clave stop ${id} again (or clave cleanup) finishes it.\n`
      : `Session ${id} ended; work ${result.outcome}.\n`,
  );
  return result.teardownProblems.length || result.problem ? 1 : 0;
}

/** Keep / merge / squash / discard, asked with the same facts the app's dialog shows. */
async function askDecision(info: ExitInfo): Promise<{ onExit: OnExit; squash: boolean }> {
  if (!process.stdin.isTTY) return { onExit: 'keep', squash: false };
  process.stderr.write(`\n${describeStakes(info)}\n\n`);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    for (;;) {
      const a = (await rl.question('Keep, merge, squash (one commit) or discard? [K/m/s/d] '))
        .trim()
        .toLowerCase();
      if (a === '' || a === 'k' || a === 'keep') return { onExit: 'keep', squash: false };
      if (a === 'm' || a === 'merge') return { onExit: 'merge', squash: false };
      if (a === 's' || a === 'squash') return { onExit: 'merge', squash: true };
      if (a === 'd' || a === 'discard') return { onExit: 'discard', squash: false };
    }
  } finally {
    rl.close();
  }
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/** Where the VM runs: tart, or orchard and its worker once known. */
function whereColumn(s: SessionSummary): string {
  return s.worker ? `${s.backend}/${s.worker}` : s.backend;
}

function printStarted(s: SessionSummary, json: boolean) {
  const info = {
    id: s.id,
    backend: s.backend,
    worker: s.worker,
    vm: s.vmName,
    ip: s.vmIp,
    port: s.tunnelPort,
    url: s.url,
    branch: s.branch,
    worktree: s.worktreeDir,
    warm: s.warm,
  };
  if (json) process.stdout.write(JSON.stringify(info) + '\n');
  else
    for (const [k, v] of Object.entries(info)) process.stdout.write(`${k.padEnd(9)}${v ?? '-'}\n`);
  if (!json && s.urlNote) process.stdout.write(dim(`         (${s.urlNote})\n`));
}

function printTable(head: string[], rows: string[][]) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  for (const r of [head, ...rows])
    process.stdout.write(
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd() + '\n',
    );
}

/** The agent's state, marked when it waits for the person; how long it has been so. */
function agentColumn(s: SessionSummary): string {
  if (!s.agent) return '-';
  const mark = s.agent.state === 'needs-input' ? '! ' : '';
  return `${mark}${s.agent.state} ${ago(s.agent.since).replace(' ago', '')}${s.unread ? ' •' : ''}`;
}

function ago(iso: string): string {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return s < 60
    ? `${s}s ago`
    : s < 3600
      ? `${Math.round(s / 60)}m ago`
      : `${Math.round(s / 3600)}h ago`;
}

async function version(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

// Every path below ends in process.exit: a run that ends because nothing is left to wait on
// never got its answer, and must not pass for success.
process.once('beforeExit', () =>
  fail('the command ended without an answer from the Clave host', 70),
);
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => process.exit(report(e, 1)),
);
