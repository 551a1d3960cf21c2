import { describe, expect, it } from 'vitest';
import type { PipelineEvent } from '../../../shared/session';
import { ApiError } from '../../../shared/protocol';
import { createFakeApi, exitInfo, summary } from '../testing/fake-api';
import { applyProgress, SessionStore } from './sessions';

const flush = () => new Promise((r) => setTimeout(r, 0));
const preflight: PipelineEvent = {
  type: 'pipeline-started',
  pipeline: 'preflight',
  steps: [
    { name: 'validate-project', label: 'Check the project' },
    { name: 'get-git-branch', label: 'Read the current branch' },
  ],
};

describe('applyProgress', () => {
  it('tracks each step: running with hints, then done or failed with its time', () => {
    let p = applyProgress([], preflight, 1000);
    p = applyProgress(
      p,
      {
        type: 'step-started',
        pipeline: 'preflight',
        step: 'validate-project',
        label: 'Check the project',
      },
      1000,
    );
    p = applyProgress(
      p,
      { type: 'step-hint', pipeline: 'preflight', step: 'validate-project', message: 'looking' },
      1001,
    );
    expect(p[0]!.steps[0]).toMatchObject({ status: 'running', hint: 'looking', startedAt: 1000 });
    p = applyProgress(
      p,
      { type: 'step-finished', pipeline: 'preflight', step: 'validate-project', ms: 12 },
      1012,
    );
    p = applyProgress(
      p,
      {
        type: 'step-failed',
        pipeline: 'preflight',
        step: 'get-git-branch',
        ms: 3,
        problem: { what: 'x' },
      },
      1015,
    );
    expect(p[0]!.steps.map((s) => [s.status, s.ms])).toEqual([
      ['done', 12],
      ['failed', 3],
    ]);
    p = applyProgress(p, { type: 'pipeline-finished', pipeline: 'preflight', ms: 15 }, 1015);
    expect(p[0]!.ms).toBe(15);
  });
});

describe('SessionStore', () => {
  it('shows a start that fails in preflight, even when progress arrives before the answer', async () => {
    const api = createFakeApi();
    let answer!: (v: ReturnType<typeof summary>) => void;
    api.handle('sessions.start', () => new Promise((r) => (answer = r)));
    const store = new SessionStore(api);
    const started = store.start('  /tmp/notes  ');
    expect(api.callsOf('sessions.start')).toEqual([{ projectDir: '/tmp/notes' }]);
    api.emit('session.progress', { sessionId: 'zzzzzzzz', event: preflight });
    api.emit('session.progress', {
      sessionId: 'zzzzzzzz',
      event: {
        type: 'step-failed',
        pipeline: 'preflight',
        step: 'validate-project',
        ms: 4,
        problem: { what: 'notes is not a git repository', fix: 'git init' },
      },
    });
    answer(
      summary({
        id: 'zzzzzzzz',
        projectDir: '/tmp/notes',
        projectName: 'notes',
        state: 'starting',
      }),
    );
    await started;
    const s = store.getSnapshot().sessions[0]!;
    expect(s).toMatchObject({ id: 'zzzzzzzz', projectName: 'notes', state: 'failed' });
    expect(s.failure).toEqual({
      step: 'validate-project',
      label: 'Check the project',
      problem: { what: 'notes is not a git repository', fix: 'git init' },
    });
    expect(store.getSnapshot().selectedId).toBe('zzzzzzzz');
    store.dismiss('zzzzzzzz');
    expect(store.getSnapshot().sessions).toEqual([]);
  });

  it('keeps a refused start next to the form; an empty path never reaches the host', async () => {
    const api = createFakeApi();
    api.handle('sessions.start', () => {
      throw new ApiError({ what: 'Invalid parameters for sessions.start' });
    });
    const store = new SessionStore(api);
    await store.start('   ');
    expect(store.getSnapshot().startError?.what).toBe('Enter the path of a project folder');
    expect(api.callsOf('sessions.start')).toEqual([]);
    await store.start('/x');
    expect(store.getSnapshot().startError?.what).toBe('Invalid parameters for sessions.start');
  });

  it('opens the agent tab once a session runs, and drops a session the host ended', async () => {
    const api = createFakeApi();
    const store = new SessionStore(api);
    api.emit('session.updated', summary({ state: 'starting' }));
    expect(store.getSnapshot().tabs).toEqual({});
    api.emit('session.updated', summary({ state: 'running' }));
    api.emit('session.updated', summary({ state: 'running' }));
    const tabs = store.getSnapshot().tabs['a1b2c3d4']!;
    expect(tabs.tabs.map((t) => t.kind)).toEqual(['agent']);
    store.openTab('a1b2c3d4', 'shell');
    store.openTab('a1b2c3d4', 'shell');
    expect(store.getSnapshot().tabs['a1b2c3d4']!.tabs.map((t) => t.title)).toEqual([
      'Claude',
      'Shell 1',
      'Shell 2',
    ]);
    // Closing tabs never asks the host to stop anything.
    store.closeActiveTab();
    expect(store.getSnapshot().tabs['a1b2c3d4']!.tabs.map((t) => t.title)).toEqual([
      'Claude',
      'Shell 1',
    ]);
    expect(api.calls.map((c) => c.method)).not.toContain('sessions.stop');
    api.emit('session.updated', summary({ state: 'ended' }));
    expect(store.getSnapshot().sessions).toEqual([]);
    expect(store.getSnapshot().tabs).toEqual({});
  });

  it('loads the host’s sessions on connect and re-opens their agents (reload)', async () => {
    const api = createFakeApi();
    api.handle('sessions.list', () => [
      summary({ id: 'aaaaaaaa' }),
      summary({ id: 'bbbbbbbb', state: 'starting' }),
    ]);
    const store = new SessionStore(api);
    await flush();
    const st = store.getSnapshot();
    expect(st.sessions.map((s) => s.id)).toEqual(['aaaaaaaa', 'bbbbbbbb']);
    expect(Object.keys(st.tabs)).toEqual(['aaaaaaaa']);
    store.selectIndex(2);
    expect(store.getSnapshot().selectedId).toBe('bbbbbbbb');
    store.selectIndex(7);
    expect(store.getSnapshot().selectedId).toBe('bbbbbbbb');
  });

  it('asks keep / merge / discard with what is at stake, then reports the outcome', async () => {
    const api = createFakeApi();
    api.handle('sessions.exitInfo', () =>
      exitInfo({
        branch: 'clave/s-a1b2c3d4',
        baseBranch: 'main',
        uncommittedFiles: ['app.php'],
        commitsAhead: 2,
      }),
    );
    api.handle('sessions.stop', () => ({ outcome: 'merged', problem: null, teardownProblems: [] }));
    const store = new SessionStore(api);
    api.emit('session.updated', summary());
    api.emit('session.agentExited', { sessionId: 'a1b2c3d4' });
    expect(store.getSnapshot().exitPrompt).toMatchObject({
      phase: 'loading',
      reason: 'agent-exited',
    });
    await flush();
    expect(store.getSnapshot().exitPrompt).toMatchObject({
      phase: 'choose',
      info: { commitsAhead: 2 },
    });
    await store.decideExit('merge');
    expect(api.callsOf('sessions.stop')).toEqual([{ id: 'a1b2c3d4', onExit: 'merge' }]);
    expect(store.getSnapshot().exitPrompt).toBeNull();
    expect(store.getSnapshot().notices.at(-1)?.text).toBe('my-app: work merged into main');
  });

  it('shows a refused discard and offers to force it', async () => {
    const api = createFakeApi();
    api.handle('sessions.exitInfo', () =>
      exitInfo({
        branch: 'b',
        baseBranch: 'main',
        uncommittedFiles: ['x'],
        commitsAhead: 0,
      }),
    );
    api.handle('sessions.stop', ({ force }) =>
      force
        ? { outcome: 'discarded', problem: null, teardownProblems: [] }
        : {
            outcome: 'kept',
            problem: {
              what: 'Kept the session: Not deleting the session copy',
              fix: 'Discard again with force',
            },
            teardownProblems: [],
          },
    );
    const store = new SessionStore(api);
    api.emit('session.updated', summary());
    store.requestExit('a1b2c3d4', 'user');
    await flush();
    await store.decideExit('discard');
    expect(store.getSnapshot().exitPrompt).toMatchObject({
      phase: 'result',
      decision: 'discard',
      force: false,
      result: { outcome: 'kept' },
    });
    await store.decideExit('discard', true);
    expect(api.callsOf('sessions.stop').at(-1)).toEqual({
      id: 'a1b2c3d4',
      onExit: 'discard',
      force: true,
    });
    expect(store.getSnapshot().exitPrompt).toBeNull();
  });

  it('asks one session at a time; the next waits its turn', async () => {
    const api = createFakeApi();
    api.handle('sessions.exitInfo', () =>
      exitInfo({
        branch: null,
        baseBranch: null,
        uncommittedFiles: [],
        commitsAhead: 0,
      }),
    );
    const store = new SessionStore(api);
    api.emit('session.updated', summary({ id: 'aaaaaaaa' }));
    api.emit('session.updated', summary({ id: 'bbbbbbbb' }));
    api.emit('session.agentExited', { sessionId: 'aaaaaaaa' });
    api.emit('session.agentExited', { sessionId: 'bbbbbbbb' });
    api.emit('session.agentExited', { sessionId: 'bbbbbbbb' });
    expect(store.getSnapshot().exitQueue).toHaveLength(1);
    store.closePrompt();
    expect(store.getSnapshot().exitPrompt?.sessionId).toBe('bbbbbbbb');
    expect(store.getSnapshot().exitQueue).toEqual([]);
  });

  it('forgets the question when the session ended elsewhere (the tray, the CLI)', async () => {
    const api = createFakeApi();
    api.handle('sessions.exitInfo', () =>
      exitInfo({
        branch: null,
        baseBranch: null,
        uncommittedFiles: [],
        commitsAhead: 0,
      }),
    );
    const store = new SessionStore(api);
    api.emit('session.updated', summary({ id: 'aaaaaaaa' }));
    api.emit('session.updated', summary({ id: 'bbbbbbbb' }));
    store.requestExit('aaaaaaaa', 'agent-exited');
    store.requestExit('bbbbbbbb', 'agent-exited');
    api.emit('session.updated', summary({ id: 'bbbbbbbb', state: 'ended' }));
    expect(store.getSnapshot().exitQueue).toEqual([]);
    api.emit('session.updated', summary({ id: 'aaaaaaaa', state: 'ended' }));
    expect(store.getSnapshot().exitPrompt).toBeNull();
  });

  it('selects a session the tray names before it has arrived', () => {
    const api = createFakeApi();
    const store = new SessionStore(api);
    api.emit('session.updated', summary({ id: 'aaaaaaaa' }));
    store.select('cccccccc');
    api.emit('session.updated', summary({ id: 'cccccccc', state: 'starting' }));
    expect(store.getSnapshot().selectedId).toBe('cccccccc');
  });
});
