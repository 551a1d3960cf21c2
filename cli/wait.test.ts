import { describe, expect, it } from 'vitest';
import type { AgentState, Problem, SessionSummary } from '../shared/session';
import { createFakeApi, summary } from '../shared/testing/fake-api';
import { parseCommand, UsageError } from './args';
import { TIMEOUT_EXIT, verdict, waitCommand } from './wait';

const at = (state: AgentState, patch: Partial<SessionSummary> = {}) =>
  summary({ agent: { state, since: new Date().toISOString(), detail: 'd' }, ...patch });

function recorder() {
  const done: SessionSummary[] = [];
  const problems: Problem[] = [];
  return {
    done,
    problems,
    out: { done: (s: SessionSummary) => done.push(s), problem: (p: Problem) => problems.push(p) },
  };
}

describe('clave wait', () => {
  it('parses --until and --timeout, and refuses anything else', () => {
    expect(parseCommand(['wait', 'a1b2c3d4'])).toEqual({
      name: 'wait',
      id: 'a1b2c3d4',
      until: 'stops',
      timeoutSeconds: null,
    });
    expect(
      parseCommand(['wait', 'a1b2c3d4', '--until', 'needs-input', '--timeout', '2.5']),
    ).toMatchObject({
      until: 'needs-input',
      timeoutSeconds: 2.5,
    });
    expect(() => parseCommand(['wait', 'a1b2c3d4', '--until', 'working'])).toThrow(
      /--until must be idle/,
    );
    expect(() => parseCommand(['wait', 'a1b2c3d4', '--timeout', '-1'])).toThrow(UsageError);
    expect(() => parseCommand(['wait'])).toThrow(/needs a session id/);
  });

  it('judges each state against what is waited for', () => {
    expect(verdict('idle', at('idle'))).toEqual({ done: true });
    expect(verdict('idle', at('working'))).toEqual({ done: false, problem: null });
    expect(verdict('idle', at('error')).done).toBe(false);
    expect(verdict('idle', at('error'))).toMatchObject({
      problem: { what: expect.stringMatching(/failed/) },
    });
    expect(verdict('idle', at('exited'))).toMatchObject({
      problem: { what: expect.stringMatching(/exited/) },
    });
    expect(verdict('needs-input', at('idle'))).toEqual({ done: false, problem: null });
    expect(verdict('needs-input', at('needs-input'))).toEqual({ done: true });
    expect(verdict('exited', at('exited'))).toEqual({ done: true });
    expect(verdict('exited', at('idle', { state: 'ended' }))).toEqual({ done: true });
    expect(verdict('idle', at('working', { state: 'kept', agent: null }))).toMatchObject({
      problem: { what: 'Session a1b2c3d4 is kept' },
    });
    for (const s of ['idle', 'needs-input', 'error', 'exited'] as const)
      expect(verdict('stops', at(s))).toEqual({ done: true });
    expect(verdict('stops', at('starting'))).toEqual({ done: false, problem: null });
  });

  it('returns 0 when an update brings the state, and says the state', async () => {
    const api = createFakeApi();
    api.handle('sessions.get', () => at('working'));
    const r = recorder();
    const code = waitCommand(api, { id: 'a1b2c3d4', until: 'idle', timeoutSeconds: null }, r.out);
    await new Promise((x) => setTimeout(x, 10));
    api.emit('session.updated', at('idle', { id: 'zzzzzzzz' })); // another session
    api.emit('session.updated', at('working'));
    expect(r.done).toEqual([]);
    api.emit('session.updated', at('idle'));
    expect(await code).toBe(0);
    expect(r.done.map((s) => s.agent?.state)).toEqual(['idle']);
  });

  it('exits 124 on timeout, 1 when the state cannot come', async () => {
    const api = createFakeApi();
    api.handle('sessions.get', () => at('working'));
    const r = recorder();
    expect(
      await waitCommand(api, { id: 'a1b2c3d4', until: 'idle', timeoutSeconds: 0.05 }, r.out),
    ).toBe(TIMEOUT_EXIT);
    expect(r.problems[0]?.what).toMatch(/Timed out after 0.05 s/);
    const gone = waitCommand(api, { id: 'a1b2c3d4', until: 'idle', timeoutSeconds: null }, r.out);
    await new Promise((x) => setTimeout(x, 10));
    api.emit('session.updated', at('exited'));
    expect(await gone).toBe(1);
  });

  it('fails on an unknown session with the host’s problem', async () => {
    const api = createFakeApi();
    api.fail('sessions.get', { what: 'No session a1b2c3d4' });
    await expect(
      waitCommand(api, { id: 'a1b2c3d4', until: 'idle', timeoutSeconds: null }, recorder().out),
    ).rejects.toThrow(/No session/);
  });
});
