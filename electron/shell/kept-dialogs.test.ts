import { beforeEach, describe, expect, it } from 'vitest';
import type { StopResult } from '../../shared/api';
import { discardWithDialog, mergeWithDialog } from './kept-dialogs';
import { createFakeApi, exitInfo, summary, type FakeApi } from './testing/fake-api';
import { FakeDialog } from './testing/fake-electron';

let api: FakeApi;
let dialog: FakeDialog;
const ok = (outcome: StopResult['outcome']): StopResult => ({
  outcome,
  problem: null,
  teardownProblems: [],
});

beforeEach(() => {
  api = createFakeApi();
  dialog = new FakeDialog();
  api.handle('sessions.get', () => summary({ state: 'kept' }));
  api.handle('sessions.exitInfo', () =>
    exitInfo({ uncommittedFiles: ['routes/web.php'], commitsAhead: 2, filesChanged: 3 }),
  );
});

describe('a kept session from the tray', () => {
  it('Merge… confirms with the facts; merge commit unless squash is ticked', async () => {
    api.handle('sessions.stop', () => ok('merged'));
    dialog.answer('Merge into main');
    expect(await mergeWithDialog(api, dialog, 'a1b2c3d4')).toEqual(ok('merged'));
    const asked = dialog.shown[0]!;
    expect(asked.message).toBe('Merge the work in shop into main?');
    expect(asked.detail).toContain('2 commits ahead of main');
    expect(asked.detail).toContain('• routes/web.php');
    expect(asked.checkboxChecked).toBe(false);
    dialog.answer('Cancel');
    expect(await mergeWithDialog(api, dialog, 'a1b2c3d4')).toBeNull();
    dialog.answer('Merge into main');
    dialog.check(true);
    await mergeWithDialog(api, dialog, 'a1b2c3d4');
    expect(api.callsOf('sessions.stop')).toEqual([
      { id: 'a1b2c3d4', onExit: 'merge' },
      { id: 'a1b2c3d4', onExit: 'merge', squash: true },
    ]);
  });

  it('a conflict keeps the session and says where the work is', async () => {
    api.handle('sessions.stop', () => ({
      outcome: 'kept',
      problem: {
        what: 'Kept the session: merging into main would conflict',
        why: 'Conflicting files: routes/web.php.',
      },
      teardownProblems: [],
    }));
    dialog.answer('Merge into main');
    await mergeWithDialog(api, dialog, 'a1b2c3d4');
    expect(dialog.shown[1]).toMatchObject({
      type: 'warning',
      message: 'Kept the session: merging into main would conflict',
    });
    expect(dialog.shown[1]!.detail).toContain(
      'The work is in /Users/me/Code/shop/.clave/wt/s-a1b2c3d4.',
    );
  });

  it('Discard… defaults to Cancel, and a refused discard still offers "Discard Anyway"', async () => {
    api.handle('sessions.stop', ({ force }) =>
      force
        ? ok('discarded')
        : {
            outcome: 'kept',
            problem: { what: 'Not deleting the session copy', why: '1 uncommitted change' },
            teardownProblems: [],
          },
    );
    expect(await discardWithDialog(api, dialog, 'a1b2c3d4')).toBeNull(); // default: Cancel
    expect(dialog.shown[0]!.buttons).toEqual(['Discard', 'Cancel']);
    expect(api.callsOf('sessions.stop')).toEqual([]);
    dialog.answer('Discard', 'Discard Anyway');
    expect(await discardWithDialog(api, dialog, 'a1b2c3d4')).toEqual(ok('discarded'));
    expect(api.callsOf('sessions.stop')).toEqual([
      { id: 'a1b2c3d4', onExit: 'discard' },
      { id: 'a1b2c3d4', onExit: 'discard', force: true },
    ]);
  });

  it('an unknown session says so and stops nothing', async () => {
    api.fail('sessions.get', { what: 'No session a1b2c3d4', fix: 'Run clave sessions.' });
    expect(await mergeWithDialog(api, dialog, 'a1b2c3d4')).toBeNull();
    expect(dialog.shown[0]).toMatchObject({ type: 'error', message: 'No session a1b2c3d4' });
    expect(api.callsOf('sessions.stop')).toEqual([]);
  });
});
