import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeApi, exitInfo, summary, type FakeApi } from './testing/fake-api';
import { createFakeElectron, type FakeDialog } from './testing/fake-electron';
import { createTrayActions, type TrayActionDeps } from './tray-actions';
import type { TrayActions } from './tray-menu';

// The actions are menu clicks: they return nothing and finish later (dialogs, API calls, files).
// What they should do is waited for; what they should not do is checked after a short settle.
const eventually = (check: () => void) => vi.waitFor(check, { timeout: 5000, interval: 5 });
const settle = () => new Promise((r) => setTimeout(r, 20));
let api: FakeApi;
let dialog: FakeDialog;
let fake: ReturnType<typeof createFakeElectron>;
let log: string[];
let dir: string;
let editor: string | undefined;
let live: number;
let actions: TrayActions;

function make(platform: NodeJS.Platform = 'darwin', launchFails = false) {
  const deps: TrayActionDeps = {
    api,
    dialog,
    shell: fake.shell,
    app: fake.app,
    launch: async (file, args) => {
      log.push(`launch ${file} ${args.join(' ')}`);
      if (launchFails) throw new Error(`spawn ${file} ENOENT`);
    },
    platform,
    settingsFile: path.join(dir, 'data', 'settings.json'),
    editor: () => editor,
    addRecent: (d) => void log.push(`recent ${d}`),
    liveSessionCount: () => live,
    showWindow: () => void log.push('show'),
    focusSession: (id) => void log.push(`focus ${id}`),
    showSettings: () => void log.push('settings'),
    provision: () => void log.push('provision'),
    changed: () => void log.push('changed'),
  };
  actions = createTrayActions(deps);
}

beforeEach(() => {
  api = createFakeApi();
  fake = createFakeElectron();
  dialog = fake.dialog;
  log = [];
  dir = mkdtempSync(path.join(os.tmpdir(), 'clave-tray-'));
  editor = undefined;
  live = 0;
  make();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('tray actions', () => {
  it('Choose Folder… starts a session there and shows it in the window', async () => {
    api.handle('sessions.start', ({ projectDir }) => summary({ projectDir, state: 'starting' }));
    dialog.folders.push('/Users/me/Code/shop');
    actions.chooseFolder();
    await eventually(() =>
      expect(log).toEqual(['recent /Users/me/Code/shop', 'changed', 'show', 'focus a1b2c3d4']),
    );
    expect(dialog.opened[0]!.properties).toEqual(['openDirectory']);
    expect(api.callsOf('sessions.start')).toEqual([{ projectDir: '/Users/me/Code/shop' }]);

    actions.chooseFolder(); // cancelled
    await eventually(() => expect(dialog.opened).toHaveLength(2));
    await settle();
    expect(api.callsOf('sessions.start')).toHaveLength(1);
  });

  it('a start the host refuses becomes an error dialog', async () => {
    api.fail('sessions.start', {
      what: 'Invalid parameters for sessions.start',
      fix: 'Choose a folder.',
    });
    actions.newSession('/x');
    await eventually(() =>
      expect(dialog.shown[0]).toMatchObject({
        type: 'error',
        message: 'Could not start a session: Invalid parameters for sessions.start',
        detail: 'What to do: Choose a folder.',
      }),
    );
  });

  it('opens only session sites, reveals the copy, shows a session', () => {
    actions.openSite('https://shop-a1b2c3d4.test');
    actions.openSite('https://example.com/');
    actions.revealWorktree('/p/.clave/wt/s-a1b2c3d4');
    actions.openTerminal('a1b2c3d4');
    expect(fake.opened).toEqual(['https://shop-a1b2c3d4.test']);
    expect(fake.revealed).toEqual(['/p/.clave/wt/s-a1b2c3d4']);
    expect(log).toEqual(['show', 'focus a1b2c3d4']);
  });

  it('opens the copy in the editor from settings, or asks to set one', async () => {
    dialog.answer('Open Settings');
    actions.openInEditor('/p/wt');
    await eventually(() => expect(log).toEqual(['settings'])); // the screen with the editor field
    expect(dialog.shown[0]!.message).toBe('No editor is set');
    expect(fake.openedPaths).toEqual([]);
    log.length = 0;

    editor = 'Visual Studio Code';
    actions.openInEditor('/p/wt');
    await eventually(() => expect(log).toEqual(['launch open -a Visual Studio Code /p/wt']));
    make('linux', true);
    editor = 'code';
    actions.openInEditor('/p/wt');
    await eventually(() =>
      expect(dialog.shown.at(-1)!.message).toBe('Could not open code: spawn code ENOENT'),
    );
    expect(log).toEqual(['launch open -a Visual Studio Code /p/wt', 'launch code /p/wt']);
  });

  it('Settings… shows the window on its settings screen; the file opens on request, made when missing', async () => {
    actions.settings();
    await eventually(() => expect(log).toEqual(['settings']));
    const file = path.join(dir, 'data', 'settings.json');
    expect(existsSync(file)).toBe(false);
    expect(fake.openedPaths).toEqual([]);
    actions.openSettingsFile();
    await eventually(() => expect(fake.openedPaths).toEqual([file]));
    expect(readFileSync(file, 'utf8')).toBe('{}\n');
  });

  it('Quit asks while sessions run; Cancel keeps everything', async () => {
    actions.quit();
    await eventually(() => expect(fake.app.quitCount).toBe(1));
    expect(dialog.shown).toEqual([]);

    live = 2;
    actions.quit(); // default button: Cancel
    await eventually(() => expect(dialog.shown[0]!.message).toBe('Quit Clave?'));
    expect(dialog.shown[0]!.detail).toContain('2 sessions are still running');
    await settle();
    expect(fake.app.quitCount).toBe(1);
    dialog.answer('Quit');
    actions.quit();
    await eventually(() => expect(fake.app.quitCount).toBe(2));
  });

  it('Open at Login sets the login item', () => {
    actions.setOpenAtLogin(true);
    expect(fake.app.getLoginItemSettings().openAtLogin).toBe(true);
    expect(log).toEqual(['changed']);
  });

  it('Stop… asks natively through the same API', async () => {
    api.handle('sessions.get', () => summary());
    api.handle('sessions.exitInfo', () =>
      exitInfo({
        branch: 'b',
        baseBranch: 'main',
        uncommittedFiles: [],
        commitsAhead: 0,
      }),
    );
    api.handle('sessions.stop', () => ({ outcome: 'kept', problem: null, teardownProblems: [] }));
    actions.stop('a1b2c3d4');
    await eventually(() =>
      expect(api.callsOf('sessions.stop')).toEqual([{ id: 'a1b2c3d4', onExit: 'keep' }]),
    );
    expect(dialog.shown[0]!.message).toBe('End the session in shop?');
  });

  it('Resume starts one VM for two clicks, then shows the session in the window', async () => {
    let release: () => void = () => {};
    api.handle(
      'sessions.resume',
      ({ id }) =>
        new Promise((r) => {
          release = () => r(summary({ id, state: 'starting' }));
        }),
    );
    actions.resume('a1b2c3d4');
    actions.resume('a1b2c3d4');
    await eventually(() => expect(api.callsOf('sessions.resume')).toEqual([{ id: 'a1b2c3d4' }]));
    await settle();
    expect(api.callsOf('sessions.resume')).toHaveLength(1);
    release();
    await eventually(() => expect(log).toEqual(['show', 'focus a1b2c3d4']));
    actions.resume('a1b2c3d4'); // done: a later click resumes again
    await eventually(() => expect(api.callsOf('sessions.resume')).toHaveLength(2));
  });

  it('a refused resume becomes an error dialog', async () => {
    api.fail('sessions.resume', {
      what: 'The session copy is gone',
      fix: 'Discard the session to remove its record.',
    });
    actions.resume('a1b2c3d4');
    await eventually(() =>
      expect(dialog.shown[0]).toMatchObject({
        type: 'error',
        message: 'Could not resume the session: The session copy is gone',
      }),
    );
    expect(log).toEqual([]);
  });

  it('Merge… and Discard… of a kept session confirm natively, then stop through the API', async () => {
    api.handle('sessions.get', () => summary({ state: 'kept' }));
    api.handle('sessions.exitInfo', () => exitInfo({ commitsAhead: 2, filesChanged: 3 }));
    api.handle('sessions.stop', ({ onExit }) => ({
      outcome: onExit === 'merge' ? 'merged' : 'discarded',
      problem: null,
      teardownProblems: [],
    }));
    dialog.answer('Merge into main');
    dialog.check(true);
    actions.merge('a1b2c3d4');
    await eventually(() => expect(api.callsOf('sessions.stop')).toHaveLength(1));
    expect(dialog.shown[0]!.checkboxLabel).toBe('Squash into one commit');
    dialog.answer('Discard');
    actions.discard('a1b2c3d4');
    await eventually(() =>
      expect(api.callsOf('sessions.stop')).toEqual([
        { id: 'a1b2c3d4', onExit: 'merge', squash: true },
        { id: 'a1b2c3d4', onExit: 'discard' },
      ]),
    );
  });
});
