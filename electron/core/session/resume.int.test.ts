// Kept sessions resume with their conversation, on the simulated host: the simulated Claude writes
// its transcript where the real one does and honours --resume, so what the new VM's Claude shows
// is what was saved, restored and resumed — read from its tmux screen.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'ssh2';
import type { PipelineEvent, SessionSummary } from '../../../shared/session';
import { sshConnect, sshExec } from '../../../e2e/sim/ssh';
import { createHostRuntime, type HostRuntime } from '../compose';
import { dataPaths } from '../config/paths';
import { Settings } from '../config/settings';
import { command } from '../host/shell-quote';
import { HostProcesses } from './testing/host-process';
import { CLAVE_BIN, createSimWorld, provisionBase, type SimWorld } from './testing/sim-env';

let world: SimWorld;
let runtime: HostRuntime | null = null;
let hosts: HostProcesses | undefined;
const clients: Client[] = [];

const fast = {
  vm: { cpus: 1, memoryMb: 1024 },
  timeouts: { ipSeconds: 10, sshSeconds: 10, mountSeconds: 5, commandSeconds: 60 },
  pool: { size: 0 }, // no standby VMs besides the sessions a test starts
};

async function host(settings: object = {}) {
  runtime = await createHostRuntime({
    paths: dataPaths(world.claveHome),
    settings: Settings.parse({ ...fast, ...settings }),
    face: 'cli',
    env: world.env,
  });
  await runtime.reconciled;
  return runtime;
}

/** A shell command in the session's VM, as its user (from the home folder). */
async function inVm(s: SessionSummary, cmd: string): Promise<string> {
  const c = await sshConnect(s.vmIp!);
  clients.push(c);
  const r = await sshExec(c, cmd);
  c.end();
  if (r.code !== 0) throw new Error(`${cmd}: exit ${r.code}: ${r.stderr}`);
  return r.stdout;
}

const pane = (s: SessionSummary) =>
  inVm(s, command(['tmux', 'capture-pane', '-p', '-J', '-S', '-200', '-t', 'claude']));

async function paneShows(s: SessionSummary, text: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let screen = '';
  while (Date.now() < deadline) {
    screen = await pane(s).catch(() => '');
    if (screen.includes(text)) return screen;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the agent's screen never showed "${text}":\n${screen}`);
}

/** Types a prompt into Claude's tmux and waits until the screen shows `shown`. */
async function turn(s: SessionSummary, prompt: string, shown: string): Promise<void> {
  await paneShows(s, 'Welcome to Claude Code');
  await inVm(s, command(['tmux', 'send-keys', '-t', 'claude', '-l', prompt]));
  await inVm(s, command(['tmux', 'send-keys', '-t', 'claude', 'Enter']));
  await paneShows(s, shown);
}

const WROTE = 'Wrote 1 lines to notes.txt';

/** The session's warnings about its conversation (the sim world has no MySQL or Redis). */
const resumeWarnings = (s: SessionSummary) =>
  s.warnings.map((w) => w.what).filter((w) => w.includes('conversation'));

const transcripts = () => path.join(world.claveHome, 'transcripts');

/** A running session that had one turn, made a file, and then was kept. */
async function keptAfterTurn(h: HostRuntime, name: string, word: string) {
  const project = world.project(name);
  const s = await h.host.start({ projectDir: project, wait: true });
  await turn(s, `create notes.txt with ${word}`, WROTE);
  await turn(s, `say remember ${word}`, `⏺ remember ${word}`);
  expect(await h.host.stop(s.id, 'keep')).toMatchObject({ outcome: 'kept', problem: null });
  return { project, s, kept: h.host.get(s.id) };
}

async function until<T>(f: () => T | null | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = f();
    if (v !== null && v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  world = await createSimWorld();
  await provisionBase(world);
}, 120_000);

afterEach(async () => {
  await runtime?.shutdown();
  runtime = null;
  // A host process left serving the data dir would answer the next test's CLI calls.
  await hosts?.stopAll();
  hosts = undefined;
});

afterAll(async () => {
  await hosts?.stopAll();
  for (const c of clients) c.end();
  await world.cleanup();
});

describe('a kept session resumes with its conversation', () => {
  it('saves the transcript on keep, resumes it in a new VM with the changes intact, then discards both', async () => {
    const h = await host();
    const project = world.project('resume');
    const s = await h.host.start({ projectDir: project, wait: true });
    await turn(s, 'create notes.txt with pineapple', WROTE);
    await turn(s, 'say remember the pineapple', '⏺ remember the pineapple');
    // A sidecar folder (subagent transcripts) goes along; a symlink in it is never followed.
    const sid = (await inVm(s, 'ls -t .claude/projects/-srv-project/ | head -1')).trim();
    expect(sid).toMatch(/^[0-9a-f-]{36}\.jsonl$/);
    const id = sid.replace(/\.jsonl$/, '');
    const sidecar = `.claude/projects/-srv-project/${id}`;
    await inVm(
      s,
      `mkdir -p ${sidecar}/subagents && echo '{"sub":1}' > ${sidecar}/subagents/agent-1.jsonl && ln -s "$HOME/.clave/auth.env" ${sidecar}/auth-link`,
    );

    expect(await h.host.stop(s.id, 'keep')).toMatchObject({ outcome: 'kept', problem: null });
    const kept = h.host.get(s.id);
    expect(kept).toMatchObject({ state: 'kept', claudeSessionId: id, vmName: null });
    const saved = path.join(transcripts(), s.id);
    const jsonl = path.join(saved, `${id}.jsonl`);
    expect(readdirSync(saved, { recursive: true }).sort()).toEqual([
      `${id}`,
      `${id}.jsonl`,
      `${id}/subagents`,
      `${id}/subagents/agent-1.jsonl`,
    ]);
    expect(kept.transcriptBytes).toBe(statSync(jsonl).size + '{"sub":1}\n'.length);
    expect(readFileSync(jsonl, 'utf8')).toContain('say remember the pineapple');
    expect(statSync(jsonl).mode & 0o777).toBe(0o600);
    // Measured in the background: the copy's disk use.
    expect(await until(() => h.host.get(s.id).diskBytes)).toBeGreaterThan(0);

    // Two resume calls at once: one pipeline, one VM, the same session for both.
    const sessionRuns: PipelineEvent[] = [];
    h.host.on('session.progress', (e) => {
      if (e.sessionId === s.id && e.event.type === 'pipeline-started') sessionRuns.push(e.event);
    });
    const [a, b] = await Promise.all([
      h.host.resume({ id: s.id, wait: true }),
      h.host.resume({ id: s.id, wait: true }),
    ]);
    expect(sessionRuns.map((e) => e.type === 'pipeline-started' && e.pipeline)).toEqual([
      'preflight',
      'session',
    ]);
    expect(a).toEqual(b);
    expect(a).toMatchObject({ state: 'running', worktreeDir: s.worktreeDir });
    expect(resumeWarnings(a)).toEqual([]);
    expect(world.sim.runningVMs()).toEqual([a.vmName]);

    const screen = await paneShows(a, '⏺ remember the pineapple');
    expect(screen).toContain('> say remember the pineapple');
    expect(await inVm(a, 'cat .clave/claude.sh')).toContain(`--resume ${id}`);
    expect(await inVm(a, `cat ${sidecar}/subagents/agent-1.jsonl`)).toBe('{"sub":1}\n');
    expect(await inVm(a, `ls -A ${sidecar}`)).toBe('subagents\n');
    // The changes are intact, and the conversation goes on in the same file.
    expect(await inVm(a, 'cat /srv/project/notes.txt')).toBe('pineapple\n');
    await turn(a, 'say still here', '⏺ still here');
    expect(
      await inVm(a, `grep -c 'still here' .claude/projects/-srv-project/${id}.jsonl`),
    ).not.toBe('0\n');

    // Discard: the copy, the record and the saved conversation go.
    expect(await h.host.stop(s.id, 'discard', true)).toMatchObject({ outcome: 'discarded' });
    expect(existsSync(saved)).toBe(false);
    expect(existsSync(s.worktreeDir!)).toBe(false);
    expect(h.host.list().filter((x) => x.id === s.id)).toEqual([]);
  }, 240_000);

  it('saves the conversation at the end of every turn, so a VM lost mid-session still resumes', async () => {
    const h = await host();
    const s = await h.host.start({ projectDir: world.project('resume-turn'), wait: true });
    await turn(s, 'say remember the kiwi', '⏺ remember the kiwi');
    // No keep, no stop: the Stop hook's turn end alone saved it.
    const saved = await until(() => {
      const id = h.host.get(s.id).claudeSessionId;
      const file = id && path.join(transcripts(), s.id, `${id}.jsonl`);
      return file && existsSync(file) && readFileSync(file, 'utf8').includes('kiwi') ? file : null;
    });
    expect(statSync(saved).mode & 0o777).toBe(0o600);
    expect(await h.host.stop(s.id, 'discard', true)).toMatchObject({ outcome: 'discarded' });
    expect(existsSync(path.dirname(saved))).toBe(false);
  }, 120_000);

  it('starts fresh, and says so, when the saved conversation is unreadable', async () => {
    const h = await host();
    const { s, kept } = await keptAfterTurn(h, 'resume-corrupt', 'mango');
    writeFileSync(path.join(transcripts(), s.id, `${kept.claudeSessionId}.jsonl`), 'not json\n{');

    const r = await h.host.resume({ id: s.id, wait: true });
    expect(r.state).toBe('running');
    expect(resumeWarnings(r)).toEqual([
      'Resumed without the earlier conversation: the saved one is unreadable',
    ]);
    expect(r.warnings.find((w) => w.what.includes('conversation'))?.why).toContain(
      'Line 1 is not JSON',
    );
    const screen = await paneShows(r, 'Welcome to Claude Code');
    expect(screen).not.toContain('remember mango');
    expect(await inVm(r, 'cat .clave/claude.sh')).not.toContain('--resume');
    expect(await inVm(r, 'cat /srv/project/notes.txt')).toBe('mango\n');

    // Kept again: the new conversation is the one saved now.
    await turn(r, 'say papaya', '⏺ papaya');
    await h.host.stop(s.id, 'keep');
    const again = h.host.get(s.id);
    expect(again.claudeSessionId).not.toBe(kept.claudeSessionId);
    expect(
      readFileSync(path.join(transcripts(), s.id, `${again.claudeSessionId}.jsonl`), 'utf8'),
    ).toContain('say papaya');
    await h.host.stop(s.id, 'discard', true);
    expect(existsSync(path.join(transcripts(), s.id))).toBe(false);
  }, 240_000);

  it('starts fresh, and says so, when Claude refuses to resume the conversation', async () => {
    // A base image whose Claude refuses every --resume the way Claude Code refuses a conversation
    // it cannot find or load (contracts/claude-code.md §9): the message, exit 1, at once.
    await world.tart('clone', 'clave-base', 'clave-base-refuses');
    const claude = path.join(
      world.env.TART_HOME!,
      'vms/clave-base-refuses/.sim-rootfs/upper/home/admin/.local/bin/claude',
    );
    const real = readFileSync(claude, 'utf8');
    writeFileSync(
      claude,
      [
        '#!/bin/sh',
        'for a in "$@"; do case "$a" in --resume) shift_next=1 ;; *) [ -n "$shift_next" ] && { echo "No conversation found with session ID: $a" >&2; exit 1; } ;; esac; done',
        real.replace(/^#!\/bin\/sh\n/, ''),
      ].join('\n'),
    );
    chmodSync(claude, 0o755);

    const first = await host();
    const { s, kept } = await keptAfterTurn(first, 'resume-refused', 'lychee');
    await first.shutdown();
    runtime = null;
    const h = await host({ baseVm: 'clave-base-refuses' });
    const r = await h.host.resume({ id: s.id, wait: true });
    expect(r.state).toBe('running');
    expect(resumeWarnings(r)).toEqual([
      'Resumed without the earlier conversation: Claude refused it',
    ]);
    // The agent runs, in a new conversation, on the same copy.
    const screen = await paneShows(r, 'Welcome to Claude Code');
    expect(screen).not.toContain('remember lychee');
    expect(await inVm(r, 'cat .clave/claude.sh')).not.toContain('--resume');
    expect(await inVm(r, 'cat /srv/project/notes.txt')).toBe('lychee\n');
    expect(h.host.get(s.id).claudeSessionId).not.toBe(kept.claudeSessionId);
    await turn(r, 'say fresh start', '⏺ fresh start');
    await h.host.stop(s.id, 'keep');
    expect(h.host.get(s.id).claudeSessionId).not.toBe(kept.claudeSessionId);
    await h.host.stop(s.id, 'discard', true);
  }, 240_000);

  it('a resume that fails after its VM was made leaves the session kept, with its conversation, and nothing else', async () => {
    const h = await host();
    const { s, kept } = await keptAfterTurn(h, 'resume-fails', 'fig');
    const before = readFileSync(path.join(transcripts(), s.id, `${kept.claudeSessionId}.jsonl`));
    world.sim.setFaults(`sshd-refuse@clave-${s.id}`);
    try {
      const failed = await h.host.resume({ id: s.id, wait: true }).then(
        () => null,
        (e: { problem?: { what: string } }) => e.problem,
      );
      expect(failed).not.toBeNull();
    } finally {
      world.sim.clearFaults();
    }
    expect(h.host.get(s.id)).toMatchObject({
      state: 'kept',
      vmName: null,
      proxyName: null,
      tunnelPort: null,
      claudeSessionId: kept.claudeSessionId,
      transcriptBytes: kept.transcriptBytes,
    });
    expect(h.host.get(s.id).error).not.toBeNull();
    expect(world.sim.runningVMs()).toEqual([]);
    expect(await world.tart('list', '--source', 'local', '--format', 'json')).not.toContain(s.id);
    expect((await world.herd('proxies')).includes(s.id)).toBe(false);
    expect(readFileSync(path.join(s.worktreeDir!, 'notes.txt'), 'utf8')).toBe('fig\n');
    expect(readFileSync(path.join(transcripts(), s.id, `${kept.claudeSessionId}.jsonl`))).toEqual(
      before,
    );

    // And it resumes once the fault is gone.
    const r = await h.host.resume({ id: s.id, wait: true });
    await paneShows(r, '⏺ remember fig');
    await h.host.stop(s.id, 'discard', true);
  }, 240_000);

  it('says the copy is gone when it was deleted by hand, leaves the session kept, and discard removes it', async () => {
    const h = await host();
    const { project, s, kept } = await keptAfterTurn(h, 'resume-no-copy', 'kiwi');
    rmSync(s.worktreeDir!, { recursive: true, force: true });

    const failed = await h.host.resume({ id: s.id, wait: true }).then(
      () => null,
      (e: { problem?: { what: string; fix?: string } }) => e.problem,
    );
    expect(failed?.what).toBe(`The session copy of ${s.id} is gone`);
    expect(failed?.fix).toContain(`clave stop ${s.id} --on-exit=discard`);
    // Nothing else behind: no VM, the record kept with the reason, the conversation still saved.
    expect(world.sim.runningVMs()).toEqual([]);
    expect(await world.tart('list', '--source', 'local', '--format', 'json')).not.toContain(s.id);
    expect(h.host.get(s.id)).toMatchObject({
      state: 'kept',
      vmName: null,
      error: { what: `The session copy of ${s.id} is gone` },
      transcriptBytes: kept.transcriptBytes,
    });
    expect(existsSync(path.join(transcripts(), s.id))).toBe(true);

    expect(await h.host.stop(s.id, 'discard')).toMatchObject({
      outcome: 'discarded',
      teardownProblems: [],
    });
    expect(h.host.list().filter((x) => x.projectDir === project)).toEqual([]);
    expect(existsSync(path.join(transcripts(), s.id))).toBe(false);

    // A conversation whose record is gone (a crash between the two) goes with cleanup, not before.
    const orphan = path.join(transcripts(), 'zzzz9999');
    mkdirSync(orphan, { recursive: true });
    writeFileSync(path.join(orphan, `${kept.claudeSessionId}.jsonl`), '{}\n');
    await h.host.cleanup(true);
    expect(existsSync(orphan)).toBe(true);
    await h.host.cleanup(false);
    expect(existsSync(orphan)).toBe(false);
  }, 240_000);
});

describe('clave resume', () => {
  const run = promisify(execFile);
  async function clave(...args: string[]) {
    try {
      const r = await run(CLAVE_BIN, args, { env: world.env, timeout: 180_000 });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (e) {
      const err = e as { code?: number; stdout?: string; stderr?: string };
      return { code: err.code ?? 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
    }
  }

  it('quitting the host keeps the session with its conversation; clave resume brings both back', async () => {
    hosts = new HostProcesses(world);
    await hosts.start();
    const started = await clave('start', world.project('resume-cli'), '--detach', '--json');
    expect(started.code, started.stderr).toBe(0);
    const info = JSON.parse(started.stdout.trim().split('\n').at(-1)!) as {
      id: string;
      ip: string;
    };
    const s = { id: info.id, vmIp: info.ip } as SessionSummary;
    await turn(s, 'say before the quit', '⏺ before the quit');

    // Quit (SIGTERM): every session is kept, its conversation saved before its VM stops.
    await hosts.stopAll();
    await hosts.start();
    const listed = await clave('sessions');
    expect(listed.stdout).toMatch(
      new RegExp(`${s.id} .*no unmerged work .*conversation \\d+ (bytes|KB)`),
    );

    const resumed = await clave('resume', s.id, '--detach', '--json');
    expect(resumed.code, resumed.stderr).toBe(0);
    const again = JSON.parse(resumed.stdout.trim().split('\n').at(-1)!) as {
      id: string;
      ip: string;
    };
    expect(again.id).toBe(s.id);
    await paneShows({ ...s, vmIp: again.ip }, '⏺ before the quit');
    // Once it runs, resume says so and changes nothing.
    const twice = await clave('resume', s.id, '--detach', '--json');
    expect(twice.code, twice.stderr).toBe(0);
    expect(JSON.parse(twice.stdout.trim().split('\n').at(-1)!)).toMatchObject({ ip: again.ip });

    expect((await clave('stop', s.id, '--on-exit=discard', '--force')).code).toBe(0);
    expect(existsSync(path.join(transcripts(), s.id))).toBe(false);
    const gone = await clave('resume', s.id);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(`No session ${s.id}`);
  }, 240_000);

  it('a resume cut short by a host crash leaves the session kept with its conversation, even with no work in its copy', async () => {
    hosts = new HostProcesses(world);
    const first = await hosts.start();
    const started = await clave('start', world.project('resume-crash'), '--detach', '--json');
    expect(started.code, started.stderr).toBe(0);
    const info = JSON.parse(started.stdout.trim().split('\n').at(-1)!) as {
      id: string;
      ip: string;
    };
    await turn({ id: info.id, vmIp: info.ip } as SessionSummary, 'say only talk', '⏺ only talk');
    expect((await clave('stop', info.id, '--on-exit=keep')).code).toBe(0);
    const kept = await first.api.call('sessions.get', { id: info.id });
    expect(kept).toMatchObject({ state: 'kept', hasUnmergedWork: false });
    expect(kept.claudeSessionId).not.toBeNull();

    world.sim.setFaults(`slow-boot=20000@clave-${info.id}`);
    const booting = new Promise<void>((resolve) =>
      first.api.on('session.progress', (e) => {
        if (
          e.sessionId === info.id &&
          e.event.type === 'step-started' &&
          e.event.step === 'boot-vm'
        )
          resolve();
      }),
    );
    await first.api.call('sessions.resume', { id: info.id });
    await booting;
    await hosts.crash();
    world.sim.clearFaults();

    // The next host settles it: no copy work, yet a conversation to come back to, so kept.
    // (it answers while it reconciles in the background: ask until it has settled this one)
    const next = await hosts.start();
    await expect
      .poll(() => next.api.call('sessions.get', { id: info.id }), { timeout: 60_000 })
      .toMatchObject({ state: 'kept' });
    expect(await next.api.call('sessions.get', { id: info.id })).toMatchObject({
      state: 'kept',
      vmName: null,
      claudeSessionId: kept.claudeSessionId,
      transcriptBytes: kept.transcriptBytes,
    });
    expect(existsSync(kept.worktreeDir!)).toBe(true);
    expect(existsSync(path.join(transcripts(), info.id))).toBe(true);
    expect(world.sim.runningVMs()).toEqual([]);
    expect((await clave('stop', info.id, '--on-exit=discard')).code).toBe(0);
    expect(existsSync(path.join(transcripts(), info.id))).toBe(false);
    next.end();
    first.end();
  }, 240_000);
});
