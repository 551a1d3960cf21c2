import { afterEach, describe, expect, it } from 'vitest';
import { render } from 'vitest-browser-react';
import { userEvent } from 'vitest/browser';
import type { SessionSummary } from '../../../shared/session';
import { App } from '../App';
import { SessionStore } from '../store/sessions';
import { createFakeApi, exitInfo, summary } from '../testing/fake-api';

function kept(patch: Partial<SessionSummary> = {}): SessionSummary {
  return summary({
    state: 'kept',
    vmName: null,
    vmIp: null,
    tunnelPort: null,
    proxyName: null,
    url: null,
    agent: null,
    hasUnmergedWork: true,
    endedAt: new Date(Date.now() - 3 * 3600_000 - 4 * 60_000).toISOString(),
    diskBytes: 48_200_000,
    transcriptBytes: 312_000,
    claudeSessionId: '5f0c2a7e-1111-2222-3333-444455556666',
    ...patch,
  });
}

afterEach(() => {
  delete window.claveDesktop;
});

describe('a kept session in the window', () => {
  it('shows its branch, copy, age, disk use, unmerged work and saved conversation', async () => {
    const api = createFakeApi();
    const s = kept();
    api.handle('sessions.list', () => [s]);
    const screen = await render(<App store={new SessionStore(api)} />);
    const panel = screen.getByRole('region', { name: 'Kept session' });
    await expect.element(panel).toHaveTextContent(`Branchclave/s-a1b2c3d4 from main`);
    await expect.element(panel).toHaveTextContent(`Copy${s.worktreeDir}`);
    await expect.element(panel).toHaveTextContent('Agekept 3h 04m ago');
    await expect.element(panel).toHaveTextContent('Disk use48 MB');
    await expect.element(panel).toHaveTextContent('Worknot merged into main yet');
    await expect
      .element(panel)
      .toHaveTextContent('Conversationsaved (312 kB): Resume continues it');
    // A browser cannot open folders on the Mac: the path is there to copy, no buttons.
    expect(panel.getByRole('button', { name: 'Reveal in Finder' }).elements()).toHaveLength(0);
  });

  it('says what is unknown: no size measured, no conversation saved, work merged', async () => {
    const api = createFakeApi();
    api.handle('sessions.list', () => [
      kept({ diskBytes: null, transcriptBytes: null, hasUnmergedWork: false }),
    ]);
    const screen = await render(<App store={new SessionStore(api)} />);
    const panel = screen.getByRole('region', { name: 'Kept session' });
    await expect.element(panel).toHaveTextContent('Disk usenot measured');
    await expect.element(panel).toHaveTextContent('Worknothing left to merge');
    await expect
      .element(panel)
      .toHaveTextContent('Conversationnone saved: Resume starts Claude afresh');
  });

  it('Resume starts one VM however often it is clicked, and the agent terminal opens again', async () => {
    const api = createFakeApi();
    const s = kept();
    // It ran in this window before it was kept: its terminal opened then.
    api.handle('sessions.list', () => [summary({ id: s.id })]);
    let release: () => void = () => {};
    api.handle(
      'sessions.resume',
      ({ id }) =>
        new Promise((r) => {
          release = () => r(summary({ id, state: 'starting' }));
        }),
    );
    const store = new SessionStore(api);
    const screen = await render(<App store={store} />);
    await expect.poll(() => api.callsOf('terminal.open').length).toBe(1);
    api.emit('session.updated', s);
    const resume = screen.getByRole('button', { name: 'Resume' });
    await userEvent.click(resume);
    await expect.element(screen.getByRole('button', { name: 'Resuming…' })).toBeDisabled();
    void store.resume(s.id); // a second click that got through anyway (the tray, a double click)
    expect(api.callsOf('sessions.resume')).toEqual([{ id: s.id }]);
    release();
    const detail = screen.getByRole('article', { name: 'Session my-app' });
    await expect.element(detail.getByText('Starting', { exact: true })).toBeVisible();
    api.emit('session.updated', summary({ id: s.id, state: 'running' }));
    await expect
      .poll(() => api.callsOf('terminal.open').map((c) => c.kind))
      .toEqual(['agent', 'agent']);
  });

  it('a refused resume shows the host’s problem and can be tried again', async () => {
    const api = createFakeApi();
    api.handle('sessions.list', () => [kept()]);
    api.fail('sessions.resume', {
      what: 'The session copy is gone',
      why: 'It was deleted outside Clave.',
      fix: 'Discard the session to remove its record.',
    });
    const screen = await render(<App store={new SessionStore(api)} />);
    await userEvent.click(screen.getByRole('button', { name: 'Resume' }));
    await expect.element(screen.getByText('Could not resume the session in my-app')).toBeVisible();
    await expect.element(screen.getByRole('button', { name: 'Resume' })).toBeEnabled();
  });

  it('Merge… and Discard… go through the exit dialog, with that button focused', async () => {
    const api = createFakeApi();
    api.handle('sessions.list', () => [kept()]);
    api.handle('sessions.exitInfo', () => exitInfo({ commitsAhead: 1, filesChanged: 1 }));
    const screen = await render(<App store={new SessionStore(api)} />);
    const panel = screen.getByRole('region', { name: 'Kept session' });
    await userEvent.click(panel.getByRole('button', { name: 'Merge…' }));
    let dialog = screen.getByRole('dialog');
    await expect.element(dialog.getByRole('button', { name: 'Merge into main' })).toHaveFocus();
    await userEvent.keyboard('{Escape}');
    await userEvent.click(panel.getByRole('button', { name: 'Discard…' }));
    dialog = screen.getByRole('dialog');
    await expect.element(dialog.getByRole('button', { name: 'Discard' })).toHaveFocus();
    expect(api.callsOf('sessions.stop')).toEqual([]);
  });

  it('in the app, opens the copy in the editor or Finder by session id, and shows why not', async () => {
    const api = createFakeApi();
    api.handle('sessions.list', () => [kept()]);
    const asked: [string, string][] = [];
    window.claveDesktop = {
      pathForFile: () => '',
      onFocusSession: () => () => {},
      onShowSettings: () => () => {},
      openSettingsFile: () => {},
      openSessionFolder: async (id, how) => {
        asked.push([id, how]);
        return how === 'finder'
          ? { what: 'The session copy is gone', fix: 'Discard the session to remove its record.' }
          : null;
      },
      showingSession: () => {},
    };
    const screen = await render(<App store={new SessionStore(api)} />);
    const panel = screen.getByRole('region', { name: 'Kept session' });
    await userEvent.click(panel.getByRole('button', { name: 'Open in Editor' }));
    await userEvent.click(panel.getByRole('button', { name: 'Reveal in Finder' }));
    await expect.element(screen.getByText('Could not open the session copy')).toBeVisible();
    expect(asked).toEqual([
      ['a1b2c3d4', 'editor'],
      ['a1b2c3d4', 'finder'],
    ]);
  });
});
