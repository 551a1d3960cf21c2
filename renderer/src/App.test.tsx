import { describe, expect, it, vi } from 'vitest';
import { render } from 'vitest-browser-react';
import { userEvent } from 'vitest/browser';
import { App } from './App';
import type { Connection } from './api/connection';
import { SessionStore } from './store/sessions';
import { terminalHandle } from './terminal/registry';
import { createFakeApi, exitInfo, summary } from './testing/fake-api';
import { utf8 } from '../../shared/wire';

describe('App', () => {
  it('invites a drop when there are no sessions and shows the host it talks to', async () => {
    const api = createFakeApi();
    const screen = await render(<App store={new SessionStore(api)} />);
    await expect.element(screen.getByRole('heading', { name: 'No sessions yet' })).toBeVisible();
    await expect
      .element(screen.getByRole('status', { name: 'Connection' }))
      .toHaveTextContent('v9.9.9 · web');
  });

  it('says so when the host is not reachable', async () => {
    const api = createFakeApi();
    const connection: Connection = {
      api,
      status: () => ({ state: 'closed', epoch: 0 }),
      onStatus: () => () => {},
      close: () => {},
    };
    const screen = await render(<App store={new SessionStore(api, connection)} />);
    await expect
      .element(screen.getByRole('status', { name: 'Connection' }))
      .toHaveTextContent('Not connected — retrying');
    expect(api.callsOf('sessions.list')).toEqual([]);
  });

  it('starts from the path field and shows progress with timings, then the failing step', async () => {
    const api = createFakeApi();
    api.handle('sessions.start', ({ projectDir }) =>
      summary({ id: 'q1w2e3r4', projectDir, projectName: 'shop', state: 'starting' }),
    );
    const store = new SessionStore(api);
    const screen = await render(<App store={store} />);
    await userEvent.fill(screen.getByLabelText('Project folder'), '/Users/me/shop');
    await userEvent.click(screen.getByRole('button', { name: 'Start' }));
    await expect
      .poll(() => api.callsOf('sessions.start'))
      .toEqual([{ projectDir: '/Users/me/shop' }]);
    const progress = (event: Parameters<typeof api.emit<'session.progress'>>[1]['event']) =>
      api.emit('session.progress', { sessionId: 'q1w2e3r4', event });
    progress({
      type: 'pipeline-started',
      pipeline: 'session',
      steps: [
        { name: 'clone-repo', label: 'Copy the repository' },
        { name: 'boot-vm', label: 'Boot the VM' },
      ],
    });
    progress({
      type: 'step-started',
      pipeline: 'session',
      step: 'clone-repo',
      label: 'Copy the repository',
    });
    progress({ type: 'step-finished', pipeline: 'session', step: 'clone-repo', ms: 340 });
    progress({ type: 'step-started', pipeline: 'session', step: 'boot-vm', label: 'Boot the VM' });
    progress({
      type: 'step-hint',
      pipeline: 'session',
      step: 'boot-vm',
      message: 'waiting for SSH on 192.168.64.3',
    });
    const detail = screen.getByRole('article', { name: 'Session shop' });
    await expect.element(detail.getByText('340 ms')).toBeVisible();
    await expect.element(detail.getByText('waiting for SSH on 192.168.64.3')).toBeVisible();
    progress({
      type: 'step-failed',
      pipeline: 'session',
      step: 'boot-vm',
      ms: 1500,
      problem: { what: 'The VM did not boot', why: 'tart run exited 1', fix: 'clave doctor' },
    });
    const alert = detail.getByRole('alert');
    await expect.element(alert).toHaveTextContent('Failed at: Boot the VM');
    await expect.element(alert).toHaveTextContent('The VM did not boot');
    await expect.element(alert).toHaveTextContent('tart run exited 1');
    await expect.element(alert).toHaveTextContent('What to do: clave doctor');
    await expect.element(detail.getByText('1.5 s')).toBeVisible();
  });

  it('shows a running session: branch, site links opened with window.open, warnings', async () => {
    const api = createFakeApi();
    api.handle('sessions.list', () => [
      summary({
        warnings: [{ what: 'MySQL is not reachable from the VM', fix: 'bind it to 0.0.0.0' }],
      }),
    ]);
    const open = vi.spyOn(window, 'open').mockReturnValue(null);
    const screen = await render(<App store={new SessionStore(api)} />);
    const detail = screen.getByRole('article', { name: 'Session my-app' });
    await expect.element(detail.getByText('clave/s-a1b2c3d4')).toBeVisible();
    await userEvent.click(detail.getByRole('link', { name: 'my-app-a1b2c3d4.test' }));
    await userEvent.click(detail.getByRole('link', { name: '127.0.0.1:8081' }));
    expect(open.mock.calls.map((c) => c[0])).toEqual([
      'https://my-app-a1b2c3d4.test',
      'http://127.0.0.1:8081',
    ]);
    open.mockRestore();
    await userEvent.click(detail.getByText('1 warning'));
    await expect.element(detail.getByText('MySQL is not reachable from the VM')).toBeVisible();
  });

  it('attaches the agent terminal: keys to the VM, output acknowledged, closing never stops', async () => {
    const api = createFakeApi();
    api.handle('sessions.list', () => [summary()]);
    api.handle('terminal.open', () => ({ terminalId: 'term-1' }));
    const store = new SessionStore(api);
    const screen = await render(<App store={store} />);
    await expect.poll(() => api.callsOf('terminal.open')).toHaveLength(1);
    const opened = api.callsOf('terminal.open')[0]!;
    expect(opened).toMatchObject({ sessionId: 'a1b2c3d4', kind: 'agent' });
    expect(opened.cols).toBeGreaterThan(20);

    // Output that arrived before terminal.open answered is not lost.
    api.emit('terminal.data', {
      terminalId: 'term-1',
      data: utf8('✻ Welcome to Claude Code!\r\n> '),
    });
    api.emit('terminal.data', { terminalId: 'other', data: utf8('not mine') });
    const key = store.getSnapshot().tabs['a1b2c3d4']!.tabs[0]!.key;
    await expect
      .poll(() => terminalHandle(key)?.term.buffer.active.getLine(0)?.translateToString(true))
      .toBe('✻ Welcome to Claude Code!');
    await expect
      .poll(() => api.callsOf('terminal.ack').reduce((n, a) => n + a.bytes, 0))
      .toBe(utf8('✻ Welcome to Claude Code!\r\n> ').length);

    terminalHandle(key)!.term.focus();
    await userEvent.keyboard('hi');
    await expect
      .poll(() =>
        api
          .callsOf('terminal.write')
          .map((w) => w.data)
          .join(''),
      )
      .toBe('hi');

    await userEvent.click(screen.getByRole('button', { name: 'Close Claude' }));
    await expect.poll(() => api.callsOf('terminal.close')).toEqual([{ terminalId: 'term-1' }]);
    expect(api.callsOf('sessions.stop')).toEqual([]);
    await expect.element(screen.getByRole('button', { name: 'Open Claude' })).toBeEnabled();
  });

  it('asks keep / merge / discard with the files at stake, and shows a refused discard', async () => {
    const api = createFakeApi();
    api.handle('sessions.list', () => [summary()]);
    api.handle('sessions.exitInfo', () =>
      exitInfo({
        branch: 'clave/s-a1b2c3d4',
        baseBranch: 'main',
        uncommittedFiles: ['routes/web.php', 'app/Models/Order.php'],
        commitsAhead: 3,
      }),
    );
    api.handle('sessions.stop', ({ force }) =>
      force
        ? { outcome: 'discarded', problem: null, teardownProblems: [] }
        : {
            outcome: 'kept',
            problem: {
              what: 'Kept the session: Not deleting the session copy s-a1b2c3d4',
              why: 'It has 2 uncommitted change(s), e.g. routes/web.php.',
              fix: 'Discard again with force to throw the work away, or merge it.',
            },
            teardownProblems: [],
          },
    );
    const screen = await render(<App store={new SessionStore(api)} />);
    await userEvent.click(screen.getByRole('button', { name: 'Stop…' }));
    const dialog = screen.getByRole('dialog', { name: 'End the session in my-app?' });
    await expect
      .element(dialog.getByRole('list', { name: 'Uncommitted files' }))
      .toHaveTextContent('routes/web.php');
    await expect.element(dialog.getByText('3 commits')).toBeVisible();
    await expect.element(dialog.getByRole('button', { name: 'Keep' })).toHaveFocus();
    await userEvent.click(dialog.getByRole('button', { name: 'Discard' }));
    const result = screen.getByRole('dialog', { name: 'The session copy was kept' });
    await expect
      .element(result.getByRole('alert'))
      .toHaveTextContent('It has 2 uncommitted change(s)');
    await userEvent.click(result.getByRole('button', { name: 'Discard anyway' }));
    await expect
      .poll(() => api.callsOf('sessions.stop'))
      .toEqual([
        { id: 'a1b2c3d4', onExit: 'discard' },
        { id: 'a1b2c3d4', onExit: 'discard', force: true },
      ]);
    await expect.element(screen.getByText('my-app: session copy discarded')).toBeVisible();
  });

  it('shows a kept session with its copy and unmerged work, and offers to merge or discard it', async () => {
    const api = createFakeApi();
    const kept = summary({
      state: 'kept',
      vmName: null,
      vmIp: null,
      tunnelPort: null,
      proxyName: null,
      url: null,
      hasUnmergedWork: true,
      endedAt: new Date().toISOString(),
    });
    api.handle('sessions.list', () => [kept]);
    const screen = await render(<App store={new SessionStore(api)} />);
    const detail = screen.getByRole('article', { name: 'Session my-app' });
    await expect.element(detail.getByText('Kept', { exact: true })).toBeVisible();
    await expect
      .element(detail.getByRole('status'))
      .toHaveTextContent(`kept at ${kept.worktreeDir} and holds work not on the base branch yet`);
    await expect.element(detail.getByRole('button', { name: 'Stop…' })).toBeEnabled();
    expect(api.callsOf('terminal.open')).toEqual([]);
  });

  it('⌘N / Ctrl+N goes to the path field; ⌘2 / Ctrl+2 selects the second session', async () => {
    const api = createFakeApi();
    api.handle('sessions.list', () => [
      summary({ id: 'aaaaaaaa', projectName: 'one', state: 'starting' }),
      summary({ id: 'bbbbbbbb', projectName: 'two', state: 'starting' }),
    ]);
    const screen = await render(<App store={new SessionStore(api)} />);
    await expect.element(screen.getByRole('article', { name: 'Session one' })).toBeVisible();
    const mod = /Mac/.test(navigator.platform) ? 'Meta' : 'Control';
    await userEvent.keyboard(`{${mod}>}2{/${mod}}`);
    await expect.element(screen.getByRole('article', { name: 'Session two' })).toBeVisible();
    await userEvent.keyboard(`{${mod}>}n{/${mod}}`);
    await expect.element(screen.getByLabelText('Project folder')).toHaveFocus();
  });
});

describe('terminal rendering', () => {
  it('falls back to the DOM renderer, silently, when WebGL is unavailable', async () => {
    const original = HTMLCanvasElement.prototype.getContext;
    HTMLCanvasElement.prototype.getContext = function (
      this: HTMLCanvasElement,
      id: string,
      ...rest: unknown[]
    ) {
      if (id === 'webgl2' || id === 'webgl') return null;
      return (original as (...a: unknown[]) => unknown).call(this, id, ...rest);
    } as typeof original;
    try {
      const api = createFakeApi();
      api.handle('sessions.list', () => [summary({ id: 'wwwwwwww' })]);
      api.handle('terminal.open', () => ({ terminalId: 'term-w' }));
      const store = new SessionStore(api);
      await render(<App store={store} />);
      await expect.poll(() => api.callsOf('terminal.open')).toHaveLength(1);
      const key = store.getSnapshot().tabs['wwwwwwww']!.tabs[0]!.key;
      expect(terminalHandle(key)?.renderer()).toBe('dom');
      api.emit('terminal.data', { terminalId: 'term-w', data: utf8('still drawn') });
      await expect
        .poll(() => document.querySelector(`[data-terminal-key="${key}"] .xterm-rows`)?.textContent)
        .toContain('still drawn');
    } finally {
      HTMLCanvasElement.prototype.getContext = original;
    }
  });
});
