// The fault matrix as data: each row names a guarantee and the fault that tests it. Families
// share one way of running (a table + a function); the runner (fault-matrix.int.test.ts) asks
// the same three questions after every row (work lost, leftovers, user items touched).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { expect } from 'vitest';
import { listenOnSocket } from '../../electron/core/api/socket-server';
import { attachWebSocket } from '../../electron/core/api/ws-server';
import type { HostRuntime } from '../../electron/core/compose';
import type { PipelineEvent, SessionSummary } from '../../shared/session';
import type { MatrixWorld, RowOutcome, Work } from './world';
import { startRun } from '../sim/vm';
import { BASE_VM, USER_PROXIES, USER_VM } from './world';

export interface Row {
  family: string;
  name: string;
  run(m: MatrixWorld): Promise<RowOutcome | void>;
}

// ---------------------------------------------------------------- helpers

/** Start on `rt`, collecting progress; resolves with the session or the failure. */
export async function startCollecting(
  rt: HostRuntime,
  projectDir: string,
): Promise<{
  session?: SessionSummary;
  error?: { problem?: { what: string; why?: string; fix?: string } };
  events: PipelineEvent[];
}> {
  const events: PipelineEvent[] = [];
  const listener = (e: { event: PipelineEvent }) => events.push(e.event);
  rt.host.on('session.progress', listener);
  try {
    const session = await rt.host.start({ projectDir, wait: true });
    return { session, events };
  } catch (error) {
    return { error: error as { problem?: { what: string } }, events };
  } finally {
    rt.host.off('session.progress', listener);
  }
}

/** Uncommitted work of the user in the main project: no row may touch it. */
function userWork(project: string): Work {
  const content = `the user's own notes ${path.basename(project)}\n`;
  writeFileSync(path.join(project, 'user-notes.txt'), content);
  return { project, file: 'user-notes.txt', content };
}

/** The agent's work in a running session's copy (as the agent would leave it: uncommitted). */
function agentWork(s: SessionSummary, file = 'agent-work.txt'): Work {
  const content = `work of the agent in ${s.id}\n`;
  writeFileSync(path.join(s.worktreeDir!, file), content);
  return { project: s.projectDir, id: s.id, file, content };
}

/** A base VM broken in one way, made by booting a clone and changing it as root. */
async function brokenBase(m: MatrixWorld, name: string, script: string): Promise<string> {
  const { world } = m;
  await world.tart('clone', BASE_VM, name);
  m.fixtureVm(name);
  const run = startRun(world.sim, name);
  await world.tart('ip', name, '--wait', '30');
  await world.tart('exec', name, 'sudo', 'sh', '-c', script);
  await world.tart('stop', name);
  await run.exited;
  return name;
}

// ---------------------------------------------------------------- a failure at every step

interface StepFailure {
  step: string;
  name: string;
  what: RegExp;
  fault?: string;
  settings?: (m: MatrixWorld) => Promise<object> | object;
  env?: (m: MatrixWorld) => NodeJS.ProcessEnv;
  project?: (dir: string, m: MatrixWorld) => void;
  /** The session goes on with a warning instead (a failing part that is not essential). */
  warns?: boolean;
}

const IP_WRAPPER =
  'printf \'#!/bin/sh\\n[ "$*" = "route show default" ] && exit 0\\nexec /usr/sbin/ip "$@"\\n\' > /usr/local/bin/ip && chmod 755 /usr/local/bin/ip';

const stepFailures: StepFailure[] = [
  {
    step: 'validate-project',
    name: 'not a Laravel project',
    what: /not a Laravel project/,
    project: (d, m) => {
      rmSync(path.join(d, 'artisan'));
      m.git(d, 'commit', '-qam', 'no artisan');
    },
  },
  {
    step: 'get-git-branch',
    name: 'a repository without commits',
    what: /no commits/,
    project: (d) => {
      rmSync(path.join(d, '.git'), { recursive: true, force: true });
      execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: d });
    },
  },
  {
    step: 'ensure-vm-exists',
    name: 'no base VM',
    what: /base VM nope does not exist/,
    settings: () => ({ baseVm: 'nope' }),
  },
  {
    step: 'check-claude-auth',
    name: 'no Claude credential',
    what: /not authenticated/,
    env: (m) => ({ ...m.world.env, ANTHROPIC_API_KEY: '' }),
  },
  {
    step: 'save-session',
    name: 'a bad .clave.json',
    what: /\.clave\.json: invalid vm\.cpus/,
    project: (d) => writeFileSync(path.join(d, '.clave.json'), '{"vm":{"cpus":"four"}}'),
  },
  {
    step: 'clone-repo',
    name: 'the copy cannot be made',
    what: /.+/,
    project: (d) => writeFileSync(path.join(d, '.clave'), 'a file, not a folder'),
  },
  { step: 'clone-vm', name: 'disk full on clone', what: /space|disk/i, fault: 'clone-disk-full' },
  { step: 'boot-vm', name: 'the VM does not start', what: /.+/, fault: 'run-start-fail' },
  {
    step: 'boot-vm',
    name: 'the share never mounts',
    what: /mount the project/,
    fault: 'mount-fail=1000',
  },
  {
    step: 'discover-gateway',
    name: 'the VM has no default route',
    what: /no default route/,
    settings: async (m) => ({ baseVm: await brokenBase(m, 'broken-route', IP_WRAPPER) }),
  },
  {
    step: 'check-host-services',
    name: 'no MySQL or Redis on the host (the app goes on without them)',
    what: /MySQL at .* is not reachable from the VM/,
    warns: true,
  },
  {
    step: 'create-ssh-tunnel',
    name: 'no free local port',
    what: /No free local port/,
    settings: async (m) => ({ ports: await m.blockedPortRange() }),
  },
  {
    step: 'configure-herd-proxy',
    name: 'Herd fails (the site stays on 127.0.0.1)',
    what: /\.test|Herd/,
    fault: 'herd-fail',
    warns: true,
  },
  {
    step: 'bootstrap-laravel',
    name: 'composer install fails (the agent can fix it)',
    what: /composer install failed/,
    project: (d, m) => {
      writeFileSync(path.join(d, 'composer.json'), '{ not json');
      m.git(d, 'commit', '-qam', 'broken composer.json');
    },
    warns: true,
  },
  {
    step: 'run-claude-code',
    name: 'the VM user home cannot be prepared',
    what: /Could not prepare the VM user home/,
    settings: async (m) => ({
      baseVm: await brokenBase(m, 'broken-home', 'touch /home/admin/.clave'),
    }),
  },
];

async function runStepFailure(f: StepFailure, m: MatrixWorld): Promise<RowOutcome> {
  const settings = f.settings ? await f.settings(m) : null;
  const rt = settings || f.env ? await m.extraHost(settings ?? {}, f.env?.(m)) : m.runtime;
  const project = m.project(`step-${f.step}`);
  f.project?.(project, m);
  const work = userWork(project);
  if (f.fault) m.world.sim.setFaults(f.fault);
  const r = await startCollecting(rt, project);
  m.world.sim.clearFaults();
  if (f.warns) {
    expect(r.error).toBeUndefined();
    const warning = r.events.find((e) => e.type === 'step-warning' && e.step === f.step);
    expect(warning && 'problem' in warning ? warning.problem.what : '').toMatch(f.what);
    const stop = await rt.host.stop(r.session!.id, 'discard');
    expect(stop.teardownProblems).toEqual([]);
    return { work: [work] };
  }
  const p = r.error?.problem;
  expect(`${p?.what} ${p?.why ?? ''}`).toMatch(f.what);
  expect(p?.fix ?? '', `a fix line for: ${JSON.stringify(p)}`).not.toBe('');
  expect(r.events.find((e) => e.type === 'step-failed')).toMatchObject({ step: f.step });
  return { work: [work] };
}

// ---------------------------------------------------------------- the agent's work at the end

const conflictRows: Row[] = [
  {
    family: 'merge',
    name: 'a conflicting merge keeps the record with the reason and leaves main untouched',
    async run(m) {
      const project = m.project('conflict');
      const s = (await startCollecting(m.runtime, project)).session!;
      writeFileSync(path.join(s.worktreeDir!, 'artisan'), 'the agent\n');
      const work = agentWork(s);
      writeFileSync(path.join(project, 'artisan'), 'the user\n');
      m.git(project, 'commit', '-qam', 'user change');
      const head = m.git(project, 'rev-parse', 'HEAD');
      const status = m.git(project, 'status', '--porcelain');
      const r = await m.runtime.host.stop(s.id, 'merge');
      expect(r.outcome).toBe('kept');
      expect(r.problem?.what).toMatch(/would conflict/);
      expect(m.runtime.host.get(s.id).error).toEqual(r.problem);
      expect(m.git(project, 'rev-parse', 'HEAD')).toBe(head);
      expect(m.git(project, 'status', '--porcelain')).toBe(status);
      expect(readFileSync(path.join(project, 'artisan'), 'utf8')).toBe('the user\n');
      // The person keeps it: the record goes, the copy with the work stays.
      expect((await m.runtime.host.stop(s.id, 'keep')).teardownProblems).toEqual([]);
      return { work: [work], kept: [s.id] };
    },
  },
];

// ---------------------------------------------------------------- load

const loadRows: Row[] = [
  {
    family: 'load',
    name: '8 sessions at once: distinct VMs, ports and names, all torn down',
    async run(m) {
      const project = m.project('eight');
      const started = await Promise.all(
        Array.from({ length: 8 }, () => startCollecting(m.runtime, project)),
      );
      expect(started.map((r) => r.error?.problem?.what ?? 'ok')).toEqual(Array(8).fill('ok'));
      const sessions = started.map((r) => r.session!);
      for (const k of ['vmName', 'vmIp', 'tunnelPort', 'proxyName'] as const)
        expect(new Set(sessions.map((s) => s[k])).size).toBe(8);
      const work = sessions.map((s) => agentWork(s));
      const pages = await Promise.all(
        sessions.map((s) => fetch(`http://127.0.0.1:${s.tunnelPort}/`).then((r) => r.text())),
      );
      for (const p of pages) expect(p).toContain('Hello from the session VM');
      const stops = await Promise.all(sessions.map((s) => m.runtime.host.stop(s.id, 'merge')));
      // Eight merges of the same file into one branch: the first lands, the rest conflict and
      // are kept; none is lost.
      expect(stops.flatMap((r) => r.teardownProblems)).toEqual([]);
      const kept = sessions.filter((_, i) => stops[i]!.outcome === 'kept').map((s) => s.id);
      for (const id of kept) await m.runtime.host.stop(id, 'keep');
      return { work, kept };
    },
  },
  {
    family: 'load',
    name: 'the agent floods its terminal: the host stays responsive and bounded',
    async run(m) {
      const project = m.project('flood');
      const s = (await startCollecting(m.runtime, project)).session!;
      const client = {
        id: 'flood-face',
        received: 0,
        send(event: string, payload: { data?: string }) {
          if (event === 'terminal.data') this.received += payload.data?.length ?? 0;
        },
        onClose() {},
      };
      // A face that never acknowledges: flow control must stop the VM's writes, not buffer them.
      const id = await m.runtime.host.openTerminal(client as never, {
        sessionId: s.id,
        kind: 'exec',
        command: ['sh', '-c', 'head -c 200000000 /dev/zero | tr "\\0" x; echo done'],
        cols: 100,
        rows: 30,
      });
      const rss = process.memoryUsage().rss;
      await new Promise((r) => setTimeout(r, 3000));
      expect(client.received).toBeGreaterThan(256 * 1024);
      expect(client.received).toBeLessThan(8 * 1024 * 1024);
      expect(process.memoryUsage().rss - rss).toBeLessThan(200 * 1024 * 1024);
      // Meanwhile the host answers, and a command in the same VM runs.
      expect(m.runtime.host.get(s.id).state).toBe('running');
      const page = await fetch(`http://127.0.0.1:${s.tunnelPort}/`).then((r) => r.text());
      expect(page).toContain('Hello');
      m.runtime.host.terminals.close(id);
      const work = agentWork(s);
      expect((await m.runtime.host.stop(s.id, 'merge')).outcome).toBe('merged');
      return { work: [work] };
    },
  },
];

// ---------------------------------------------------------------- the connection to the VM

/** A face that records what its terminals show and never lags (acknowledges everything). */
function recordingFace(rt: HostRuntime) {
  const face = {
    id: `face-${Math.random()}`,
    text: '',
    exits: [] as (number | null)[],
    send(event: string, payload: { terminalId: string; data?: string; exitCode?: number | null }) {
      if (event === 'terminal.data') {
        face.text += payload.data;
        rt.host.terminals.ack(payload.terminalId, payload.data!.length);
      }
      if (event === 'terminal.exit') face.exits.push(payload.exitCode ?? null);
    },
    onClose() {},
    async waitFor(re: RegExp, ms = 30_000) {
      const until = Date.now() + ms;
      while (!re.test(face.text)) {
        if (Date.now() > until)
          throw new Error(`timed out waiting for ${re}: ${face.text.slice(-500)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
  return face;
}

const connectionRows: Row[] = [
  {
    family: 'connection',
    name: 'sshd dies mid-session: the terminal says so, and re-attaches to the agent when it is back',
    async run(m) {
      const project = m.project('sshd-dies');
      const s = (await startCollecting(m.runtime, project)).session!;
      const face = recordingFace(m.runtime);
      await m.runtime.host.openTerminal(face as never, {
        sessionId: s.id,
        kind: 'agent',
        cols: 100,
        rows: 30,
      });
      await face.waitFor(/Welcome to Claude Code/);
      const id = [
        ...(m.runtime.host.terminals as unknown as { open: Map<string, unknown> }).open.keys(),
      ].at(-1)!;
      m.runtime.host.terminals.write(id, 'create notes.md with marker-5150\r');
      await face.waitFor(/marker-5150/);
      await m.world.tart('exec', s.vmName!, 'sudo', 'pkill', '-x', 'sshd');
      await face.waitFor(/Connection to the VM lost, reconnecting/, 15_000);
      await new Promise((r) => setTimeout(r, 2000));
      face.text = '';
      await m.world.tart('exec', s.vmName!, 'sudo', '/usr/sbin/sshd', '-f', '/etc/ssh/sshd_config');
      await face.waitFor(/Reconnected to the VM/, 30_000);
      // tmux redraws the agent's pane: the same agent, its work on screen.
      await face.waitFor(/marker-5150/, 15_000);
      expect(face.exits).toEqual([]);
      m.runtime.host.terminals.write(id, 'append second-line to notes.md\r');
      const page = await fetch(`http://127.0.0.1:${s.tunnelPort}/`).then((r) => r.status);
      expect(page).toBe(200);
      const work: Work = { project, id: s.id, file: 'notes.md', content: '' };
      const until = Date.now() + 15_000;
      while (
        !/second-line/.test(readSafe(path.join(s.worktreeDir!, 'notes.md'))) &&
        Date.now() < until
      )
        await new Promise((r) => setTimeout(r, 200));
      work.content = readSafe(path.join(s.worktreeDir!, 'notes.md'));
      expect(work.content).toMatch(/marker-5150[\s\S]*second-line/);
      expect((await m.runtime.host.stop(s.id, 'merge')).outcome).toBe('merged');
      return { work: [work] };
    },
  },
];

// ---------------------------------------------------------------- the host killed at every step

const KILL_AT = [
  'validate-project',
  'get-git-branch',
  'ensure-vm-exists',
  'check-claude-auth',
  'save-session',
  'clone-repo',
  'clone-vm',
  'boot-vm',
  'discover-gateway',
  'check-host-services',
  'create-ssh-tunnel',
  'configure-herd-proxy',
  'bootstrap-laravel',
  'run-claude-code',
];

async function killAtStep(m: MatrixWorld, step: string): Promise<RowOutcome> {
  const hosts = m.processHosts();
  const first = await hosts.current();
  const project = m.project(`kill-${step}`);
  const work = userWork(project);
  const reached = new Promise<string>((resolve) =>
    first.api.on('session.progress', (e) => {
      if (e.event.type === 'step-started' && e.event.step === step) resolve(e.sessionId);
    }),
  );
  const started = first.api.call('sessions.start', { projectDir: project, wait: true });
  const id = await Promise.race([
    reached,
    started.then(
      () => Promise.reject(new Error(`the session ran without ever starting ${step}`)),
      (e: Error) => Promise.reject(new Error(`the start failed before ${step}: ${e.message}`)),
    ),
  ]);
  started.catch(() => {});
  await hosts.kill();
  // A new host reconciles what the dead one left: the half-made session is torn down.
  const next = await hosts.current();
  const listed = await next.api.call('sessions.list', {});
  expect(
    listed.map((s) => `${s.id} (${s.state})`),
    `the sessions after ${id}'s crash`,
  ).toEqual([]);
  return { work: [work] };
}

async function killWhileRunning(m: MatrixWorld): Promise<RowOutcome> {
  const hosts = m.processHosts();
  const first = await hosts.current();
  const project = m.project('kill-running');
  const s = await first.api.call('sessions.start', { projectDir: project, wait: true });
  const work = agentWork(s);
  await hosts.kill();
  expect(m.world.sim.runningVMs()).toContain(s.vmName);
  const next = await hosts.current();
  const after = await next.api.call('sessions.get', { id: s.id });
  expect(after.state).toBe('running');
  expect(await fetch(`http://127.0.0.1:${after.tunnelPort}/`).then((r) => r.status)).toBe(200);
  const stop = await next.api.call('sessions.stop', { id: s.id, onExit: 'merge' });
  expect(stop).toMatchObject({ outcome: 'merged', teardownProblems: [] });
  return { work: [work] };
}

const killRows: Row[] = [
  ...KILL_AT.map((step): Row => ({
    family: 'host SIGKILLed',
    name: `as ${step} starts, then restarted: reconciled, nothing lost or left`,
    run: (m) => killAtStep(m, step),
  })),
  {
    family: 'host SIGKILLed',
    name: 'while the session runs, then restarted: re-attached, the work merges',
    run: killWhileRunning,
  },
];

// ---------------------------------------------------------------- bad input at the edges

const badPaths: [string, string, RegExp][] = [
  ['a line break', 'new\nline', /Tart cannot share/],
  ['a colon', 'co:lon', /Tart cannot share/],
  ['an escape sequence', 'esc\u001b[31m', /Tart cannot share/],
];

const edgeRows: Row[] = [
  ...badPaths.map(([what, folder, expected]): Row => ({
    family: 'bad input',
    name: `a project path with ${what} is refused before anything is made`,
    async run(m) {
      const project = m.project(folder);
      const work = userWork(project);
      const r = await startCollecting(m.runtime, project);
      expect(r.error?.problem?.what).toMatch(expected);
      expect(r.events.find((e) => e.type === 'step-failed')).toMatchObject({
        step: 'validate-project',
      });
      return { work: [work] };
    },
  })),
  {
    family: 'bad input',
    name: 'a path with spaces, quotes and unicode works end to end',
    async run(m) {
      const project = m.project(`My App "q" 'x' ü 日本`);
      const s = (await startCollecting(m.runtime, project)).session!;
      expect(s.state).toBe('running');
      const work = agentWork(s);
      expect((await m.runtime.host.stop(s.id, 'merge')).outcome).toBe('merged');
      return { work: [work] };
    },
  },
  {
    family: 'bad input',
    name: 'a folder that is not a git repository, or does not exist',
    async run(m) {
      const plain = path.join(m.world.sim.root, 'not-git');
      mkdirSync(plain, { recursive: true });
      writeFileSync(path.join(plain, 'artisan'), '');
      for (const [dir, what] of [
        [plain, /not a git repository/],
        [path.join(plain, 'missing'), /not a folder/],
      ] as const) {
        const r = await startCollecting(m.runtime, dir);
        expect(r.error?.problem?.what).toMatch(what);
      }
      rmSync(plain, { recursive: true, force: true });
    },
  },
  {
    family: 'bad input',
    name: 'a detached HEAD starts with a warning; merge keeps the work',
    async run(m) {
      const project = m.project('detached');
      m.git(project, 'checkout', '-q', '--detach');
      const r = await startCollecting(m.runtime, project);
      expect(
        r.events.some((e) => e.type === 'step-warning' && /detached/.test(e.problem.what)),
      ).toBe(true);
      const work = agentWork(r.session!);
      const stop = await m.runtime.host.stop(r.session!.id, 'merge');
      expect(stop.outcome).toBe('kept');
      await m.runtime.host.stop(r.session!.id, 'keep');
      return { work: [work], kept: [r.session!.id] };
    },
  },
  {
    family: 'bad input',
    name: 'unknown ids and method names like __proto__ are refused; the host goes on',
    async run(m) {
      const face = { id: 'edge-face', send() {}, onClose() {} };
      const call = (method: string, params: unknown) =>
        m.runtime.dispatch({ method, params }, face).then(
          () => 'answered',
          (e: Error) => e.message,
        );
      for (const method of ['__proto__', 'constructor', 'toString', 'hasOwnProperty'])
        expect(await call(method, {})).toMatch(/unknown method|Malformed/i);
      expect(await call('sessions.get', { id: 'zzzzzzzz' })).toMatch(/No session zzzzzzzz/);
      expect(await call('sessions.stop', { id: '../../etc' })).toMatch(/Invalid parameters/);
      expect(await call('terminal.write', { terminalId: 'nope', data: 'x' })).toMatch(
        /No open terminal|Invalid/,
      );
      expect(await call('sessions.start', { projectDir: '/p/x\u0000y' })).toMatch(/Invalid/);
      expect(await call('app.info', {})).toBe('answered');
    },
  },
];

// ---------------------------------------------------------------- the wire: socket and WebSocket

/** A raw client of the host's socket: what it received, and whether the host closed it. */
async function rawSocket(file: string) {
  const sock = net.connect(file);
  await new Promise<void>((resolve, reject) => sock.once('connect', resolve).once('error', reject));
  const c = { sock, received: '', closed: false };
  sock.on('data', (d) => (c.received += d.toString()));
  sock.on('error', () => {});
  sock.once('close', () => (c.closed = true));
  return c;
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  return check();
}

/** A fresh face still gets answers: the host survived whatever came before. */
async function hostAnswers(file: string): Promise<void> {
  const c = await rawSocket(file);
  c.sock.write(JSON.stringify({ id: 1, method: 'app.info', params: {} }) + '\n');
  expect(await until(() => c.received.includes('"Clave"'), 5000)).toBe(true);
  c.sock.destroy();
}

const wireRows: Row[] = [
  {
    family: 'bad input',
    name: 'malformed, oversize and hostile socket messages: a clear error, the host goes on',
    async run(m) {
      const file = path.join(m.world.sim.root, 'matrix.sock');
      const server = await listenOnSocket(file, m.runtime.dispatch, m.runtime.clients);
      try {
        const c = await rawSocket(file);
        for (const line of [
          '{not json',
          '[]',
          '{"id":"x","method":"app.info"}',
          '{"id":2,"method":"__proto__","params":{}}',
          '{"id":3,"method":"sessions.get","params":{"id":"zzzzzzzz"}}',
          '{"id":4,"method":"sessions.start","params":{"projectDir":"/a\\nb"}}',
        ])
          c.sock.write(line + '\n');
        expect(await until(() => (c.received.match(/\n/g) ?? []).length >= 6, 5000)).toBe(true);
        const answers = c.received
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { error?: { what: string } });
        expect(answers.every((a) => a.error && a.error.what.length > 0)).toBe(true);
        expect(c.closed).toBe(false);
        // A line past the limit without its newline: a clear error, that connection closed.
        const big = await rawSocket(file);
        const rss = process.memoryUsage().rss;
        big.sock.write('{"id":9,"method":"app.info","params":{"x":"' + 'x'.repeat(8 * 1024 * 1024));
        expect(await until(() => big.closed, 10_000), 'the host closes an oversize line').toBe(
          true,
        );
        expect(big.received).toMatch(/too large/i);
        expect(process.memoryUsage().rss - rss).toBeLessThan(100 * 1024 * 1024);
        await hostAnswers(file);
      } finally {
        server.close();
      }
    },
  },
  {
    family: 'bad input',
    name: 'WebSocket: no token or a foreign Origin is refused; an oversize frame drops that face only',
    async run(m) {
      const http = await import('node:http');
      const { default: WebSocket } = await import('ws');
      const server = http.createServer();
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      const port = (server.address() as net.AddressInfo).port;
      const origin = `http://127.0.0.1:${port}`;
      const token = randomBytes(16).toString('hex');
      const allowedOrigin = (o: string | undefined) => o === origin;
      attachWebSocket(server, m.runtime.dispatch, m.runtime.clients, { allowedOrigin, token });
      const connect = (query: string, from = origin) =>
        new Promise<InstanceType<typeof WebSocket> | string>((resolve) => {
          const ws = new WebSocket(`ws://127.0.0.1:${port}/api${query}`, { origin: from });
          ws.once('open', () => resolve(ws));
          ws.once('unexpected-response', (_q, res) => resolve(`refused ${res.statusCode}`));
          ws.once('error', (e) => resolve(`error ${e.message}`));
        });
      const ask = (ws: InstanceType<typeof WebSocket>, text: string) =>
        new Promise<string>((resolve) => {
          ws.once('message', (d) => resolve(d.toString()));
          ws.send(text);
        });
      try {
        const outcome = async (query: string, from?: string) => {
          const r = await connect(query, from);
          if (typeof r === 'string') return r;
          r.close();
          return 'accepted';
        };
        expect(await outcome(`?token=${token}`, 'http://evil.example')).toMatch(/refused 40[13]/);
        expect(await outcome('')).toMatch(/refused 401/);
        expect(await outcome('?token=wrong')).toMatch(/refused 401/);
        const ws = await connect(`?token=${token}`);
        if (typeof ws === 'string') throw new Error(ws);
        expect(await ask(ws, '{broken')).toMatch(/Malformed/);
        expect(await ask(ws, '{"id":1,"method":"__proto__","params":{}}')).toMatch(
          /unknown method/i,
        );
        const dropped = new Promise<number>((r) => ws.once('close', (code) => r(code)));
        ws.send('x'.repeat(3 * 1024 * 1024));
        expect(await dropped).toBe(1009);
        const again = await connect(`?token=${token}`);
        if (typeof again === 'string') throw new Error(again);
        expect(await ask(again, '{"id":2,"method":"app.info","params":{}}')).toMatch(/"Clave"/);
        again.close();
      } finally {
        server.closeAllConnections();
        server.close();
      }
    },
  },
];

// ---------------------------------------------------------------- what is the user's

const userRows: Row[] = [
  {
    family: 'user items',
    name: 'cleanup while a session runs removes only what Clave made',
    async run(m) {
      const project = m.project('cleanup');
      const s = (await startCollecting(m.runtime, project)).session!;
      const work = agentWork(s);
      // The session is ended either way, so what is left afterwards is the product's doing.
      const dry = await m.runtime.host.cleanup(true);
      const r = await m.runtime.host.cleanup(false);
      let failure: unknown = null;
      try {
        // A session runs and nothing of Clave's is orphaned: nothing to remove, and no user item
        // is even mentioned.
        expect(dry.items.filter((i) => i.action === 'remove')).toEqual([]);
        const userNames = [USER_VM, ...USER_PROXIES.map(([n]) => n)];
        expect(dry.items.filter((i) => userNames.includes(i.name))).toEqual([]);
        expect(r.problems).toEqual([]);
        expect(m.runtime.host.get(s.id).state).toBe('running');
        expect(await fetch(`http://127.0.0.1:${s.tunnelPort}/`).then((x) => x.status)).toBe(200);
      } catch (e) {
        failure = e;
      }
      const stop = await m.runtime.host.stop(s.id, 'merge');
      if (failure) throw failure;
      expect(stop.outcome).toBe('merged');
      return { work: [work] };
    },
  },
];

// ---------------------------------------------------------------- secrets

const secretRows: Row[] = [
  {
    family: 'secrets',
    name: 'the Claude credential is in no log, record, worktree file, argv or tool environment',
    async run(m) {
      const key = m.world.env.ANTHROPIC_API_KEY!;
      const project = m.project('secrets');
      const s = (await startCollecting(m.runtime, project)).session!;
      const found: string[] = [];
      // argv and environment of every process on this machine but the test itself.
      // The key is unique to this run (world.ts), so any process holding it got it from us.
      for (const pid of readdirSafe('/proc').filter((p) => /^\d+$/.test(p))) {
        // This test runs a session host, which holds the key to hand it to the VM; so does a
        // `clave serve` of the rows that kill hosts. Every other process must not have it.
        if (Number(pid) === process.pid || Number(pid) === m.processHosts().pid) continue;
        // Processes inside a VM (another PID namespace) are the agent's: it needs the key.
        if (linkSafe(`/proc/${pid}/ns/pid`) !== linkSafe('/proc/self/ns/pid')) continue;
        const argv = readSafe(`/proc/${pid}/cmdline`);
        if (argv.includes(key)) found.push(`argv of ${pid}: ${argv.replace(/\0/g, ' ')}`);
        if (readSafe(`/proc/${pid}/environ`).includes(key))
          found.push(`environment of ${pid}: ${argv.replace(/\0/g, ' ')}`);
      }
      await m.runtime.host.stop(s.id, 'keep');
      // Logs, the database, and every file in the project and its copy.
      for (const file of walk(m.world.claveHome).concat(walk(project)))
        if (readSafe(file).includes(key)) found.push(file);
      expect(found).toEqual([]);
      return { kept: [s.id] };
    },
  },
];

function readSafe(file: string): string {
  try {
    return readFileSync(file, 'latin1');
  } catch {
    return '';
  }
}

function linkSafe(file: string): string {
  try {
    return readlinkSync(file);
  } catch {
    return 'gone';
  }
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSafe(dir)) {
    const p = path.join(dir, e);
    try {
      const st = lstatSync(p);
      if (st.isDirectory()) out.push(...walk(p));
      else if (st.isFile()) out.push(p);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

export const rows: Row[] = [
  ...stepFailures.map((f): Row => ({
    family: 'a failure at every step',
    name: `${f.step}: ${f.name}`,
    run: (m) => runStepFailure(f, m),
  })),
  ...killRows,
  ...conflictRows,
  ...connectionRows,
  ...loadRows,
  ...edgeRows,
  ...wireRows,
  ...userRows,
  ...secretRows,
];
