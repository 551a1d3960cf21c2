import { describe, expect, it, vi } from 'vitest';
import { createFakeApi, summary } from './testing/fake-api';
import { createFakeElectron, FakeWebContents } from './testing/fake-electron';

const fake = createFakeElectron();
vi.mock('electron', () => fake);
const { createSessionFolderOpener, serveSessionFolderIpc } = await import('./session-folder');
const { DesktopChannel } = await import('./desktop-channels');

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

  it('takes the request from the trusted window only, and only with a valid session id', async () => {
    const trusted = new FakeWebContents();
    const asked: unknown[] = [];
    serveSessionFolderIpc(
      (event) => event.sender === (trusted as never),
      async (request) => {
        asked.push(request);
        return null;
      },
    );
    const open = fake.ipcMain.handlers.get(DesktopChannel.openSessionFolder)!;
    const request = { sessionId: 'a1b2c3d4', how: 'finder' };
    expect(await open({ sender: new FakeWebContents() }, request)).toEqual({
      what: 'IPC from an untrusted frame was refused',
    });
    for (const bad of [
      { sessionId: '../../etc', how: 'finder' },
      { sessionId: 'a1b2c3d4', how: 'terminal' },
      { sessionId: 'a1b2c3d4', how: 'editor', path: '/Applications/Calculator.app' },
      '/Users/me',
      null,
    ]) {
      expect(await open({ sender: trusted }, bad)).toEqual({
        what: 'Invalid request to open a session copy',
      });
    }
    expect(asked).toEqual([]);
    expect(await open({ sender: trusted }, { sessionId: 'a1b2c3d4', how: 'editor' })).toBeNull();
    expect(asked).toEqual([{ sessionId: 'a1b2c3d4', how: 'editor' }]);
  });
});
