// The agent's status end to end on the simulated host: the simulated Claude runs Clave's hook in
// its VM, the host follows the spool over ssh. Typing goes to Claude's tmux pane in the VM.
import { execFile } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../../../shared/api';
import type { AgentState, AgentStatus, SessionSummary } from '../../../../shared/session';
import type { SocketConnection } from '../../api/socket-client';
import { createHostRuntime, type HostRuntime } from '../../compose';
import { dataPaths } from '../../config/paths';
import { Settings } from '../../config/settings';
import { HostProcesses } from '../testing/host-process';
import { CLAVE_BIN, createSimWorld, provisionBase, type SimWorld } from '../testing/sim-env';
import { SPOOL_FILE } from './hook-script';

let world: SimWorld;
let runtime: HostRuntime | null = null;
type Attention = EventPayload<'session.attention'>;

beforeAll(async () => {
  world = await createSimWorld();
  await provisionBase(world);
});
afterEach(async () => {
  await runtime?.shutdown();
  runtime = null;
});
afterAll(async () => {
  await world.cleanup();
});

async function until<T>(what: string, f: () => T | undefined | false, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A command in the VM as its user (admin), in a shell there. */
const inVm = (vm: string, script: string) => world.tart('exec', vm, 'sh', '-c', script);
/** Types a line into Claude's pane, as a person at the terminal would. */
const type = (vm: string, text: string) =>
  world
    .tart('exec', vm, 'tmux', 'send-keys', '-t', 'claude', '-l', text)
    .then(() => world.tart('exec', vm, 'tmux', 'send-keys', '-t', 'claude', 'Enter'));

describe('agent status from hooks (in-process host)', () => {
  it('ready → working → idle, error, garbage skipped, truncated spool, reconnect, exited', async () => {
    runtime = await createHostRuntime({
      paths: dataPaths(world.claveHome),
      settings: Settings.parse({
        vm: { cpus: 1, memoryMb: 1024 },
        timeouts: { ipSeconds: 30, sshSeconds: 30, mountSeconds: 10, commandSeconds: 60 },
        pool: { size: 0 }, // no standby VMs besides the sessions a test starts
      }),
      face: 'cli',
      env: world.env,
    });
    await runtime.reconciled;
    const h = runtime.host;
    const updates: SessionSummary[] = [];
    const attention: Attention[] = [];
    h.on('session.updated', (s) => updates.push(s));
    h.on('session.attention', (a) => attention.push(a));
    const s = await h.start({ projectDir: world.project('attn'), wait: true });
    const vm = s.vmName!;
    const agent = () => h.get(s.id).agent;
    const states = () => updates.filter((u) => u.id === s.id).map((u) => u.agent?.state);
    const attentionOf = (state: AgentState) =>
      attention.filter((a) => a.sessionId === s.id && a.state === state);

    // SessionStart: ready, Claude's own session id recorded, nothing to tell the person.
    await until('ready', () => agent()?.detail === 'ready');
    expect(h.get(s.id).claudeSessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(h.get(s.id).unread).toBe(false);
    expect(attention).toEqual([]);

    // A turn with a tool: working (the tool as detail), then idle on Stop, told once.
    await type(vm, 'create notes.md with hello');
    await until('idle after the turn', () => attentionOf('idle').length === 1);
    const working = updates.find((u) => u.id === s.id && u.agent?.state === 'working');
    expect(working).toBeDefined();
    expect(updates.some((u) => u.agent?.detail === 'Write notes.md')).toBe(true);
    expect(agent()?.state).toBe('idle');
    expect(attentionOf('idle')[0]).toMatchObject({ projectName: s.projectName });
    expect(h.get(s.id).unread).toBe(true);
    h.markSeen(s.id);
    expect(h.get(s.id).unread).toBe(false);
    expect(updates.at(-1)?.unread).toBe(false);

    // A turn that fails on an API error: error, with the message.
    await type(vm, 'fail');
    await until('error', () => attentionOf('error').length === 1);
    expect(agent()?.state).toBe('error');
    expect(agent()?.detail).toMatch(/\S+: .+/);

    // Garbage in the spool is skipped and counted; the next event still applies.
    await inVm(
      vm,
      `printf 'not json\\n{"ts":1,"hook":"Stop","data":{"a":\\n' >> "$HOME"/${SPOOL_FILE}`,
    );
    await type(vm, 'say after the garbage');
    await until('idle again', () => attentionOf('idle').length === 2);
    expect(h.spoolCounters(s.id)).toMatchObject({ malformed: 2 });

    // The agent truncates its spool: followed again from 0.
    const resetsBefore = h.spoolCounters(s.id)!.resets;
    await inVm(vm, `: > "$HOME"/${SPOOL_FILE}`);
    await new Promise((r) => setTimeout(r, 500));
    await type(vm, 'say after the truncation');
    await until('idle after truncation', () => attentionOf('idle').length === 3);
    expect(h.spoolCounters(s.id)!.resets).toBeGreaterThan(resetsBefore);

    // The agent deletes it: re-created, followed again.
    await inVm(vm, `rm "$HOME"/${SPOOL_FILE}`);
    await until('re-created', () => h.spoolCounters(s.id)!.resets > resetsBefore + 1, 10_000);
    await type(vm, 'say after the deletion');
    await until('idle after deletion', () => attentionOf('idle').length === 4);
    expect(agent()?.detail).toMatch(/after the deletion/);

    // sshd dies and comes back: the follower resumes on the new connection, nothing twice.
    const seen = attention.length;
    await world.tart('exec', vm, 'sudo', 'pkill', '-x', 'sshd');
    await new Promise((r) => setTimeout(r, 1500));
    await type(vm, 'say while disconnected');
    await new Promise((r) => setTimeout(r, 500));
    await world.tart('exec', vm, 'sudo', '/usr/sbin/sshd', '-f', '/etc/ssh/sshd_config');
    await until('idle after reconnect', () => attentionOf('idle').length === 5, 40_000);
    await new Promise((r) => setTimeout(r, 1000));
    expect(attention.slice(seen).map((a) => a.state)).toEqual(['idle']);

    // /exit: SessionEnd → exited, told once (tmux going too changes nothing more).
    await type(vm, '/exit');
    await until('exited', () => attentionOf('exited').length === 1);
    await new Promise((r) => setTimeout(r, 2500));
    expect(attentionOf('exited')).toHaveLength(1);
    expect(agent()).toMatchObject({ state: 'exited', detail: 'prompt_input_exit' });
    expect(states()).toContain('working');

    // Kept: no agent runs, the Claude session id stays for resume.
    const claudeId = h.get(s.id).claudeSessionId;
    expect((await h.stop(s.id, 'keep')).outcome).toBe('kept');
    expect(h.get(s.id)).toMatchObject({ state: 'kept', agent: null, claudeSessionId: claudeId });
    await h.stop(s.id, 'discard', true);
  });
});

describe('agent status across a host crash, and the CLI (host processes)', () => {
  it('clave wait returns when the turn ends; after SIGKILL and restart the state is right, nothing re-sent', async () => {
    const hosts = new HostProcesses(world);
    try {
      const first = await hosts.start();
      const seen: Attention[] = [];
      first.api.on('session.attention', (a) => seen.push(a));
      const s = await first.api.call('sessions.start', {
        projectDir: world.project('attn-crash'),
        wait: true,
      });
      const vm = s.vmName!;
      const agentOf = async (conn: SocketConnection) =>
        (await conn.api.call('sessions.get', { id: s.id })).agent;
      const poll = async (
        conn: SocketConnection,
        what: string,
        ok: (a: AgentStatus) => boolean,
      ) => {
        const end = Date.now() + 20_000;
        for (;;) {
          const a = await agentOf(conn);
          if (a && ok(a)) return a;
          if (Date.now() > end)
            throw new Error(`timed out waiting for ${what}: ${JSON.stringify(a)}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      };
      await poll(first, 'ready', (a) => a.detail === 'ready');

      // clave wait: started while the agent works, it returns with the turn's end.
      await type(vm, 'run sleep 2');
      await poll(first, 'working', (a) => a.state === 'working');
      const t0 = Date.now();
      const waited = await clave(['wait', s.id, '--until', 'idle', '--timeout', '60']);
      expect(waited).toMatchObject({ code: 0 });
      expect(waited.stdout).toMatch(/^idle/);
      expect((await agentOf(first))?.state).toBe('idle');
      expect(Date.now() - t0).toBeLessThan(30_000);
      // Already idle, and a timeout that passes: 124.
      expect((await clave(['wait', s.id, '--until', 'needs-input', '--timeout', '1'])).code).toBe(
        124,
      );
      // --json carries the agent as {state, since, detail}.
      const listed = JSON.parse((await clave(['sessions', '--json'])).stdout) as SessionSummary[];
      expect(listed.find((x) => x.id === s.id)?.agent).toEqual({
        state: 'idle',
        since: expect.any(String),
        detail: expect.any(String),
      });
      expect((await clave(['sessions'])).stdout).toMatch(/AGENT[\s\S]*idle/);
      await new Promise((r) => setTimeout(r, 500));
      expect(seen.filter((a) => a.sessionId === s.id).map((a) => a.state)).toEqual(['idle']);

      // The host dies (a `clave wait` waiting on it fails and says so); the agent finishes a
      // turn meanwhile.
      const orphan = clave(['wait', s.id, '--until', 'exited']);
      await new Promise((r) => setTimeout(r, 1500));
      await hosts.crash();
      const lost = await orphan;
      expect(lost.code, JSON.stringify(lost)).toBe(1);
      expect(lost.stderr).toMatch(/Connection to Clave lost/);
      await type(vm, 'say during the crash');
      await new Promise((r) => setTimeout(r, 1500));
      const second = await hosts.start();
      const again: Attention[] = [];
      second.api.on('session.attention', (a) => again.push(a));
      const back = await poll(second, 'the turn during the crash', (a) =>
        /during the crash/.test(a.detail ?? ''),
      );
      expect(back.state).toBe('idle');
      await type(vm, 'say after the restart');
      await poll(second, 'the turn after the restart', (a) =>
        /after the restart/.test(a.detail ?? ''),
      );
      await new Promise((r) => setTimeout(r, 1000));
      // What happened while no host ran is told once (if this face listened in time), what
      // the first host told never again.
      // (Claude's idle reminder may come after a minute without input on a slow machine.)
      const told = again
        .filter((a) => a.sessionId === s.id && a.detail !== 'Claude is waiting for your input')
        .map((a) => a.detail);
      expect(told.filter((d) => /after the restart/.test(d ?? ''))).toHaveLength(1);
      expect(told.filter((d) => /during the crash/.test(d ?? '')).length).toBeLessThanOrEqual(1);
      expect(told).toHaveLength(
        told.filter((d) => /after the restart|during the crash/.test(d ?? '')).length,
      );

      // A face that showed the session marks it seen, through the API.
      expect((await second.api.call('sessions.get', { id: s.id })).unread).toBe(true);
      expect(await second.api.call('sessions.markSeen', { id: s.id })).toBeNull();
      expect((await second.api.call('sessions.get', { id: s.id })).unread).toBe(false);
      await expect(second.api.call('sessions.markSeen', { id: 'zzzzzzzz' })).rejects.toThrow(
        /No session zzzzzzzz/,
      );

      // An unknown id: non-zero, with the host's what and fix.
      const unknown = await clave(['wait', 'zzzzzzzz']);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/No session zzzzzzzz/);

      await second.api.call('sessions.stop', { id: s.id, onExit: 'discard', force: true });
      second.end();
    } finally {
      await hosts.stopAll();
    }
  });
});

function clave(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(CLAVE_BIN, args, { env: world.env, timeout: 90_000 }, (error, stdout, stderr) =>
      resolve({
        code: error ? (typeof error.code === 'number' ? error.code : null) : 0,
        stdout,
        stderr,
      }),
    );
  });
}
