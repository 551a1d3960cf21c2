import { describe, expect, it } from 'vitest';
import { createSessionFolderOpener } from './session-folder';
import { createFakeApi, summary } from './testing/fake-api';

function setup(copyExists = true) {
  const api = createFakeApi();
  const done: string[] = [];
  const open = createSessionFolderOpener(
    api,
    {
      openInEditor: (dir) => void done.push(`editor ${dir}`),
      revealWorktree: (dir) => void done.push(`finder ${dir}`),
    },
    () => copyExists,
  );
  return { api, done, open };
}

describe('opening a session copy from the window', () => {
  it('looks the copy up from the host and opens that, in the editor or in Finder', async () => {
    const { api, done, open } = setup();
    api.handle('sessions.get', ({ id }) => summary({ id, state: 'kept' }));
    expect(await open({ sessionId: 'a1b2c3d4', how: 'editor' })).toBeNull();
    expect(await open({ sessionId: 'a1b2c3d4', how: 'finder' })).toBeNull();
    const dir = '/Users/me/Code/shop/.clave/wt/s-a1b2c3d4';
    expect(done).toEqual([`editor ${dir}`, `finder ${dir}`]);
  });

  it('says why not when the session is unknown, has no copy, or its copy is gone', async () => {
    const { api, done, open } = setup(false);
    api.fail('sessions.get', { what: 'No session a1b2c3d4' });
    expect(await open({ sessionId: 'a1b2c3d4', how: 'finder' })).toEqual({
      what: 'No session a1b2c3d4',
    });
    api.handle('sessions.get', () => summary({ worktreeDir: null }));
    expect(await open({ sessionId: 'a1b2c3d4', how: 'finder' })).toEqual({
      what: 'This session has no copy to open',
    });
    api.handle('sessions.get', () => summary());
    expect(await open({ sessionId: 'a1b2c3d4', how: 'editor' })).toMatchObject({
      what: 'The session copy /Users/me/Code/shop/.clave/wt/s-a1b2c3d4 is gone',
      fix: 'Discard the session to remove its record.',
    });
    expect(done).toEqual([]);
  });
});
