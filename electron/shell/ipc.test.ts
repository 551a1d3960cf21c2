import { describe, expect, it, vi } from 'vitest';
import { ClientSet } from '../core/api/connection';
import { StepAbort } from '../core/problem';
import { IpcChannel } from '../../shared/ipc-channels';
import { FakeWebContents, createFakeElectron } from './testing/fake-electron';

const fake = createFakeElectron();
vi.mock('electron', () => fake);
const { serveDesktopIpc, serveIpc } = await import('./ipc');
const { DesktopChannel } = await import('./desktop-channels');

describe('IPC transport', () => {
  it('answers trusted windows with envelopes that keep the whole Problem', async () => {
    const trusted = Object.assign(new FakeWebContents(), {
      id: 1,
      isDestroyed: () => false,
      send: () => {},
    });
    const other = Object.assign(new FakeWebContents(), { id: 2 });
    serveIpc(
      async (request) => {
        if ((request as { method: string }).method === 'sessions.list') return [];
        throw new StepAbort({ what: 'x is not a git repository', why: 'no .git', fix: 'git init' });
      },
      new ClientSet(),
      (event) => event.sender === (trusted as never),
    );
    const invoke = fake.ipcMain.handlers.get(IpcChannel.invoke)!;
    expect(await invoke({ sender: trusted }, { method: 'sessions.list', params: {} })).toEqual({
      ok: true,
      result: [],
    });
    expect(await invoke({ sender: trusted }, { method: 'sessions.start', params: {} })).toEqual({
      ok: false,
      problem: { what: 'x is not a git repository', why: 'no .git', fix: 'git init' },
    });
    expect(await invoke({ sender: other }, { method: 'sessions.list', params: {} })).toEqual({
      ok: false,
      problem: { what: 'IPC from an untrusted frame was refused' },
    });
  });

  it('opens settings.json for the trusted window only', async () => {
    const trusted = new FakeWebContents();
    const opened: string[] = [];
    serveDesktopIpc((event) => event.sender === (trusted as never), {
      openSettingsFile: () => void opened.push('settings.json'),
      showingSession: () => {},
    });
    const open = fake.ipcMain.handlers.get(DesktopChannel.openSettingsFile)!;
    expect(await open({ sender: new FakeWebContents() })).toBe(false);
    expect(opened).toEqual([]);
    expect(await open({ sender: trusted })).toBe(true);
    expect(opened).toEqual(['settings.json']);
  });

  it('takes the session the trusted window shows, validated', async () => {
    const trusted = new FakeWebContents();
    const shown: (string | null)[] = [];
    serveDesktopIpc((event) => event.sender === (trusted as never), {
      openSettingsFile: () => {},
      showingSession: (id) => void shown.push(id),
    });
    const showing = fake.ipcMain.handlers.get(DesktopChannel.showingSession)!;
    expect(await showing({ sender: trusted }, 'a1b2c3d4')).toBe(true);
    expect(await showing({ sender: trusted }, null)).toBe(true);
    for (const bad of ['../../etc', 'A1B2C3D4', 42, { id: 'a1b2c3d4' }, undefined]) {
      expect(await showing({ sender: trusted }, bad)).toBe(false);
    }
    expect(await showing({ sender: new FakeWebContents() }, 'b1b2c3d4')).toBe(false);
    expect(shown).toEqual(['a1b2c3d4', null]);
  });
});
