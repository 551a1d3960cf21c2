import { beforeEach, describe, expect, it } from 'vitest';
import type { StopResult } from '../../shared/api';
import { describeStakes, endSessionWithDialog } from './exit-dialog';
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
  api.handle('sessions.get', () => summary());
  api.handle('sessions.exitInfo', () =>
    exitInfo({
      branch: 'clave/s-a1b2c3d4',
      baseBranch: 'main',
      uncommittedFiles: ['routes/web.php'],
      commitsAhead: 2,
    }),
  );
});

describe('native exit dialog', () => {
  it('asks keep (default) / merge / discard with what is at stake, then stops', async () => {
    api.handle('sessions.stop', () => ok('merged'));
    dialog.answer('Merge into main');
    expect(await endSessionWithDialog(api, dialog, 'a1b2c3d4', 'user')).toEqual(ok('merged'));
    const asked = dialog.shown[0]!;
    expect(asked.message).toBe('End the session in shop?');
    expect(asked.buttons).toEqual(['Keep', 'Merge into main', 'Discard', 'Cancel']);
    expect(asked.defaultId).toBe(0);
    expect(asked.cancelId).toBe(3);
    expect(asked.detail).toContain('2 commits ahead of main:');
    expect(asked.detail).toContain('• routes/web.php');
    expect(api.callsOf('sessions.stop')).toEqual([{ id: 'a1b2c3d4', onExit: 'merge' }]);
    expect(dialog.shown).toHaveLength(1); // success needs no second dialog
  });

  it('keeps by default and does nothing on cancel', async () => {
    api.handle('sessions.stop', () => ok('kept'));
    await endSessionWithDialog(api, dialog, 'a1b2c3d4', 'agent-exited');
    expect(dialog.shown[0]!.message).toBe('Claude has exited in shop');
    expect(dialog.shown[0]!.buttons).toContain('Decide Later');
    expect(api.callsOf('sessions.stop')).toEqual([{ id: 'a1b2c3d4', onExit: 'keep' }]);
    dialog.answer('Cancel');
    expect(await endSessionWithDialog(api, dialog, 'a1b2c3d4', 'user')).toBeNull();
    expect(api.callsOf('sessions.stop')).toHaveLength(1);
  });

  it('shows a merge conflict as its own dialog, with where the work is', async () => {
    api.handle('sessions.stop', () => ({
      outcome: 'kept',
      problem: {
        what: 'Kept the session: merging into main would conflict',
        why: 'Conflicting files: routes/web.php.',
        fix: 'Resolve by hand: git merge clave/s-a1b2c3d4',
      },
      teardownProblems: [],
    }));
    dialog.answer('Merge into main');
    await endSessionWithDialog(api, dialog, 'a1b2c3d4', 'user');
    const shown = dialog.shown[1]!;
    expect(shown.type).toBe('warning');
    expect(shown.message).toBe('Kept the session: merging into main would conflict');
    expect(shown.detail).toContain('Conflicting files: routes/web.php.');
    expect(shown.detail).toContain('What to do: Resolve by hand');
    expect(shown.detail).toContain('The work is in /Users/me/Code/shop/.clave/wt/s-a1b2c3d4.');
    expect(shown.buttons).toEqual(['OK']);
  });

  it('offers "Discard Anyway" when the host refuses to discard work', async () => {
    api.handle('sessions.stop', ({ force }) =>
      force
        ? ok('discarded')
        : {
            outcome: 'kept',
            problem: { what: 'Kept the session: Not deleting the session copy' },
            teardownProblems: [],
          },
    );
    dialog.answer('Discard', 'Discard Anyway');
    expect(await endSessionWithDialog(api, dialog, 'a1b2c3d4', 'user')).toEqual(ok('discarded'));
    expect(dialog.shown[1]!.buttons).toEqual(['Keep It', 'Discard Anyway']);
    expect(dialog.shown[1]!.defaultId).toBe(0);
    expect(api.callsOf('sessions.stop')).toEqual([
      { id: 'a1b2c3d4', onExit: 'discard' },
      { id: 'a1b2c3d4', onExit: 'discard', force: true },
    ]);
  });

  it('reports failures of the host and of the cleanup, never silently', async () => {
    api.fail('sessions.stop', { what: 'No session a1b2c3d4', fix: 'See the running sessions.' });
    dialog.answer('Keep');
    expect(await endSessionWithDialog(api, dialog, 'a1b2c3d4', 'user')).toBeNull();
    expect(dialog.shown[1]).toMatchObject({
      type: 'error',
      message: 'Could not end the session in shop: No session a1b2c3d4',
      detail: 'What to do: See the running sessions.',
    });

    dialog.reset();
    api.handle('sessions.stop', () => ({
      outcome: 'kept',
      problem: null,
      teardownProblems: [{ what: 'Delete the VM: tart delete failed', fix: 'clave cleanup' }],
    }));
    await endSessionWithDialog(api, dialog, 'a1b2c3d4', 'user');
    expect(dialog.shown[1]!.message).toBe('The session in shop did not finish stopping');
    expect(dialog.shown[1]!.detail).toContain('Delete the VM: tart delete failed');
    expect(dialog.shown[1]!.detail).toMatch(/choose Stop… again\.$/);

    dialog.reset();
    api.fail('sessions.exitInfo', { what: 'No session a1b2c3d4' });
    expect(await endSessionWithDialog(api, dialog, 'a1b2c3d4', 'user')).toBeNull();
    expect(dialog.shown.map((d) => d.message)).toEqual(['No session a1b2c3d4']);
  });

  it('says when there is nothing at stake', () => {
    expect(
      describeStakes(
        exitInfo({
          branch: 'clave/s-x',
          baseBranch: 'main',
          uncommittedFiles: [],
          commitsAhead: 0,
        }),
      ),
    ).toContain('No changes: the session copy is the same as main.');
    const many = describeStakes(
      exitInfo({
        branch: null,
        baseBranch: null,
        uncommittedFiles: Array.from({ length: 14 }, (_, i) => `f${i}`),
        commitsAhead: 1,
      }),
    );
    expect(many).toContain('1 commit ahead of the base branch:');
    expect(many).toContain('… and 4 more');
  });

  it('states the facts: files changed and their lines, the commits, whether the base moved', () => {
    const commit = (subject: string) => ({
      sha: subject,
      subject,
      body: '',
      author: 'a',
      date: '',
    });
    const text = describeStakes(
      exitInfo({
        uncommittedFiles: ['app/new.php'],
        commitsAhead: 7,
        filesChanged: 3,
        additions: 12,
        deletions: 4,
        baseMoved: true,
        commits: ['g', 'f', 'e', 'd', 'c', 'b', 'a'].map(commit),
      }),
    );
    expect(text.split('\n')).toEqual([
      'Branch clave/s-a1b2c3d4 from main.',
      '3 files changed (+12 −4 lines).',
      '7 commits ahead of main:',
      '  • g',
      '  • f',
      '  • e',
      '  • d',
      '  • c',
      '  … and 2 more',
      '1 uncommitted file (merge commits them first):',
      '  • app/new.php',
      'main has moved on since the session started: a merge may conflict.',
      '',
      'The VM is stopped and deleted in every case.',
    ]);
  });
});
