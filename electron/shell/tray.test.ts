import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeApi, summary } from './testing/fake-api';
import { createFakeElectron, FakeTray } from './testing/fake-electron';
import type { TrayActions } from './tray-menu';

const fake = createFakeElectron();
vi.mock('electron', () => fake);
const { createTray } = await import('./tray');
const { buildTrayMenu, trayBadge } = await import('./tray-menu');
const { FakeMenu } = await import('./testing/fake-electron');

function recordingActions() {
  const done: string[] = [];
  const rec =
    (name: string) =>
    (...args: unknown[]) =>
      void done.push([name, ...args].join(' '));
  const actions: TrayActions = {
    newSession: rec('newSession'),
    chooseFolder: rec('chooseFolder'),
    openTerminal: rec('openTerminal'),
    openSite: rec('openSite'),
    revealWorktree: rec('revealWorktree'),
    openInEditor: rec('openInEditor'),
    stop: rec('stop'),
    resume: rec('resume'),
    merge: rec('merge'),
    discard: rec('discard'),
    showWindow: rec('showWindow'),
    provision: rec('provision'),
    settings: rec('settings'),
    openSettingsFile: rec('openSettingsFile'),
    setOpenAtLogin: rec('setOpenAtLogin'),
    quit: rec('quit'),
  };
  return { actions, done };
}

describe('tray menu', () => {
  it('offers recent projects, then the folder picker, under "New session for…"', () => {
    const { actions, done } = recordingActions();
    const menu = new FakeMenu(
      buildTrayMenu(
        {
          sessions: [],
          recentProjects: ['/Users/me/Code/shop', '/Users/me/Code/blog'],
          openAtLogin: false,
          provisioning: null,
        },
        actions,
      ),
    );
    const sub = menu.item('New session for…').submenu as { label?: string; type?: string }[];
    expect(sub.map((i) => i.label ?? i.type)).toEqual([
      'shop',
      'blog',
      'separator',
      'Choose Folder…',
    ]);
    menu.click('New session for…', 'blog');
    menu.click('New session for…', 'Choose Folder…');
    expect(menu.item('No sessions').enabled).toBe(false);
    expect(done).toEqual(['newSession /Users/me/Code/blog', 'chooseFolder']);
  });

  it('has a submenu per session with terminal, site, worktree, editor and stop', () => {
    const { actions, done } = recordingActions();
    const s = summary();
    const starting = summary({
      id: 'zzzzzzzz',
      projectName: 'blog',
      state: 'starting',
      url: null,
      worktreeDir: null,
      branch: null,
    });
    const menu = new FakeMenu(
      buildTrayMenu(
        {
          sessions: [s, starting, summary({ id: 'eeeeeeee', state: 'ended' })],
          recentProjects: [],
          openAtLogin: true,
          provisioning: null,
        },
        actions,
      ),
    );
    const label = 'shop (clave/s-a1b2c3d4) — working';
    expect(menu.item(label).submenu).toBeDefined();
    menu.click(label, 'Open Terminal');
    menu.click(label, 'Open Site');
    menu.click(label, 'Reveal Worktree in Finder');
    menu.click(label, 'Open in Editor');
    menu.click(label, 'Stop…');
    expect(done).toEqual([
      'openTerminal a1b2c3d4',
      'openSite https://shop-a1b2c3d4.test',
      `revealWorktree ${s.worktreeDir}`,
      `openInEditor ${s.worktreeDir}`,
      'stop a1b2c3d4',
    ]);
    // A starting session has no site or copy yet; ended ones are not listed.
    expect(menu.item('blog — starting…', 'Open Site').enabled).toBe(false);
    expect(menu.item('blog — starting…', 'Stop…').enabled).toBe(true);
    expect(menu.item('blog — starting…', 'Reveal Worktree').enabled).toBe(false);
    expect(() => menu.item('shop (clave/s-eeeeeeee)')).toThrow();
    expect(menu.item('Open at Login').checked).toBe(true);
    for (const item of [
      'Show Window',
      'Provision Base Image…',
      'Settings…',
      'Open at Login',
      'Quit Clave',
    ]) {
      menu.click(item);
    }
    expect(done.slice(5)).toEqual([
      'showWindow',
      'provision',
      'settings',
      'setOpenAtLogin false',
      'quit',
    ]);
  });

  it('offers Stop… again for a session whose stop did not finish, not while one is under way', () => {
    const { actions, done } = recordingActions();
    const failedStop = summary({
      state: 'stopping',
      error: { what: 'Delete the VM: Could not read the Orchard VM clave-a1b2c3d4' },
    });
    const stopping = summary({
      id: 'zzzzzzzz',
      projectName: 'blog',
      branch: null,
      state: 'stopping',
    });
    const menu = new FakeMenu(
      buildTrayMenu(
        {
          sessions: [failedStop, stopping],
          recentProjects: [],
          openAtLogin: false,
          provisioning: null,
        },
        actions,
      ),
    );
    expect(menu.item('blog — stopping…', 'Stop…').enabled).toBe(false);
    const label = 'shop (clave/s-a1b2c3d4) — stop did not finish';
    expect(menu.item(label, 'Stop…').enabled).toBe(true);
    menu.click(label, 'Stop…');
    expect(done).toEqual(['stop a1b2c3d4']);
  });

  it('lists a kept session with its facts and Resume / Merge / Discard / Reveal / Editor', () => {
    const { actions, done } = recordingActions();
    const kept = summary({
      state: 'kept',
      vmName: null,
      url: null,
      hasUnmergedWork: true,
      diskBytes: 48_200_000,
      transcriptBytes: 312_000,
    });
    const menu = new FakeMenu(
      buildTrayMenu(
        {
          sessions: [kept, summary({ id: 'q1w2e3r4', state: 'kept', hasUnmergedWork: false })],
          recentProjects: [],
          openAtLogin: false,
          provisioning: null,
        },
        actions,
      ),
    );
    const label = 'shop (clave/s-a1b2c3d4) — kept';
    const sub = menu.item(label).submenu as { label?: string; type?: string; enabled?: boolean }[];
    expect(sub.map((i) => i.label ?? i.type)).toEqual([
      'Work not merged into main yet',
      'Copy uses 48 MB',
      'Saved conversation: 312 kB',
      'separator',
      'Resume',
      'Merge…',
      'Discard…',
      'separator',
      'Reveal in Finder',
      'Open in Editor',
      'Show in Window',
    ]);
    expect(sub.slice(0, 3).every((i) => i.enabled === false)).toBe(true);
    for (const item of ['Resume', 'Merge…', 'Discard…', 'Reveal in Finder', 'Open in Editor']) {
      menu.click(label, item);
    }
    expect(done).toEqual([
      'resume a1b2c3d4',
      'merge a1b2c3d4',
      'discard a1b2c3d4',
      `revealWorktree ${kept.worktreeDir}`,
      `openInEditor ${kept.worktreeDir}`,
    ]);
    const other = menu.item('shop (clave/s-q1w2e3r4) — kept').submenu as { label?: string }[];
    expect(other.slice(0, 2).map((i) => i.label)).toEqual([
      'Nothing left to merge',
      'No saved conversation',
    ]);
  });

  it('shows provisioning instead of offering it twice', () => {
    const { actions } = recordingActions();
    const menu = new FakeMenu(
      buildTrayMenu(
        {
          sessions: [],
          recentProjects: [],
          openAtLogin: false,
          provisioning: { percent: 42, label: 'Installing PHP' },
        },
        actions,
      ),
    );
    expect(menu.item('Provisioning… 42%').enabled).toBe(false);
  });

  it('badges the icon with the sessions that need you and any failure', () => {
    expect(trayBadge({ sessions: [], provisioning: null })).toEqual({
      title: '',
      tooltip: 'Clave — no sessions',
    });
    const asking = (id: string) =>
      summary({
        id,
        agent: { state: 'needs-input', since: '2026-11-25T10:01:00.000Z', detail: null },
      });
    expect(
      trayBadge({
        sessions: [
          summary({ state: 'running' }),
          summary({ state: 'running' }),
          summary({ state: 'starting' }),
          summary({ state: 'ended' }),
        ],
        provisioning: null,
      }),
    ).toEqual({ title: '', tooltip: 'Clave — 2 running, 1 starting' });
    expect(
      trayBadge({
        sessions: [asking('a0000000'), asking('b0000000'), summary(), summary({ state: 'failed' })],
        provisioning: null,
      }),
    ).toEqual({ title: '2 !', tooltip: 'Clave — 2 need you, 3 running, 1 failed' });
    expect(trayBadge({ sessions: [asking('a0000000')], provisioning: null })).toEqual({
      title: '1',
      tooltip: 'Clave — 1 needs you, 1 running',
    });
    expect(trayBadge({ sessions: [], provisioning: { percent: 7, label: 'Cloning' } })).toEqual({
      title: '7%',
      tooltip: 'Clave — provisioning: Cloning',
    });
  });

  it('lists the sessions that need you first, each with what its agent does', () => {
    const { actions, done } = recordingActions();
    const since = '2026-11-25T10:01:00.000Z';
    const question = `Claude needs your permission to use Bash: ${'rm -rf vendor && '.repeat(6)}`;
    const menu = new FakeMenu(
      buildTrayMenu(
        {
          sessions: [
            summary({ id: 'work0000', agent: { state: 'working', since, detail: 'Edit' } }),
            summary({ id: 'idle0000', agent: { state: 'idle', since, detail: null } }),
            summary({ id: 'asks0000', agent: { state: 'needs-input', since, detail: question } }),
            summary({ id: 'fail0000', agent: { state: 'error', since, detail: 'rate_limit' } }),
            summary({ id: 'boot0000', agent: null }),
          ],
          recentProjects: [],
          openAtLogin: false,
          provisioning: null,
        },
        actions,
      ),
    );
    const labels = menu.template.map((i) => i.label).filter((l) => l?.startsWith('shop'));
    expect(labels).toEqual([
      `shop (clave/s-asks0000) — needs input: ${question.slice(0, 59)}…`,
      'shop (clave/s-work0000) — working',
      'shop (clave/s-idle0000) — idle',
      'shop (clave/s-fail0000) — error: rate_limit',
      'shop (clave/s-boot0000) — running',
    ]);
    menu.click('shop (clave/s-asks0000)', 'Open Terminal');
    expect(done).toEqual(['openTerminal asks0000']);
  });
});

describe('tray', () => {
  beforeEach(() => {
    FakeTray.instances.length = 0;
  });

  it('uses the template icon and redraws when the host reports a change', async () => {
    vi.useFakeTimers();
    const api = createFakeApi();
    let sessions = [summary()];
    api.handle('sessions.list', () => sessions);
    const { actions } = recordingActions();
    const t = createTray({
      iconPath: '/app/build/icons/trayTemplate.png',
      api,
      actions,
      recentProjects: () => [],
      openAtLogin: () => false,
    });
    const tray = FakeTray.instances[0]!;
    expect(tray.image).toMatchObject({ path: '/app/build/icons/trayTemplate.png', template: true });
    await vi.runAllTimersAsync();
    expect(tray.title).toBe('');
    expect(tray.tooltip).toBe('Clave — 1 running');
    expect(tray.menu?.item('shop (clave/s-a1b2c3d4) — working')).toBeDefined();

    // The agent asks: the badge counts it as soon as the host says so.
    sessions = [
      summary({ agent: { state: 'needs-input', since: '2026-11-25T10:01:00.000Z', detail: null } }),
    ];
    api.emit('session.attention', {
      sessionId: 'a1b2c3d4',
      projectName: 'shop',
      state: 'needs-input',
      detail: null,
    });
    await vi.runAllTimersAsync();
    expect(tray.title).toBe('1');
    expect(tray.menu?.item('shop (clave/s-a1b2c3d4) — needs input')).toBeDefined();

    sessions = [];
    api.emit('session.updated', summary({ state: 'ended' }));
    api.emit('session.updated', summary({ state: 'ended' }));
    await vi.runAllTimersAsync();
    expect(api.callsOf('sessions.list')).toHaveLength(3); // updates in a burst: one refresh
    expect(tray.title).toBe('');
    expect(tray.menu?.item('No sessions')).toBeDefined();

    t.setProvisioning({ percent: 50, label: 'Installing PHP' });
    expect(tray.title).toBe('50%');
    t.destroy();
    expect(tray.destroyed).toBe(true);
    vi.useRealTimers();
  });
});
