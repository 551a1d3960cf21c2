import { describe, expect, it } from 'vitest';
import type { Changes, ChangedFile, FileDiff } from '../../../shared/api';
import { createFakeApi } from '../testing/fake-api';
import { ChangesFeed } from './changes';

const ID = 'a1b2c3d4';
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function file(path: string, patch: Partial<ChangedFile> = {}): ChangedFile {
  return {
    path,
    oldPath: null,
    status: 'modified',
    additions: 1,
    deletions: 0,
    binary: false,
    uncommitted: true,
    ...patch,
  };
}

function changes(files: ChangedFile[]): Changes {
  return {
    sessionId: ID,
    base: { branch: 'main', commit: 'abc', moved: false },
    files,
    truncated: false,
    additions: files.length,
    deletions: 0,
    commits: [],
  };
}

function diffOf(path: string, text: string): FileDiff {
  return { path, diff: text, binary: false, truncated: false, totalBytes: text.length };
}

function setup() {
  const api = createFakeApi();
  let files = [file('routes/web.php')];
  api.handle('changes.get', () => changes(files));
  api.handle('changes.watch', () => null);
  const feed = new ChangesFeed(api, ID, 20);
  return { api, feed, setFiles: (f: ChangedFile[]) => (files = f) };
}

describe('ChangesFeed', () => {
  it('watches the copy only while open, and stops fetching once closed', async () => {
    const { api, feed } = setup();
    feed.open();
    await expect.poll(() => feed.getSnapshot().changes?.files.length).toBe(1);
    expect(api.callsOf('changes.watch')).toEqual([{ id: ID, on: true }]);
    feed.close();
    expect(api.callsOf('changes.watch')).toEqual([
      { id: ID, on: true },
      { id: ID, on: false },
    ]);
    api.emit('changes.updated', { sessionId: ID });
    await wait(60);
    expect(api.callsOf('changes.get')).toHaveLength(1);
  });

  it('turns a burst of updates into one re-fetch and ignores other sessions', async () => {
    const { api, feed, setFiles } = setup();
    feed.open();
    await expect.poll(() => api.callsOf('changes.get').length).toBe(1);
    setFiles([file('routes/web.php'), file('app/New.php', { status: 'untracked' })]);
    for (let i = 0; i < 5; i++) api.emit('changes.updated', { sessionId: ID });
    api.emit('changes.updated', { sessionId: 'zzzzzzzz' });
    await expect.poll(() => feed.getSnapshot().changes?.files.length).toBe(2);
    await wait(60);
    expect(api.callsOf('changes.get')).toHaveLength(2);
    feed.close();
  });

  it('fetches once more when the copy changes while a fetch is under way', async () => {
    const { api, feed } = setup();
    let release: () => void = () => {};
    let n = 0;
    api.handle('changes.get', async () => {
      n++;
      if (n === 2) await new Promise<void>((r) => (release = r));
      return changes([file(`f${n}`)]);
    });
    feed.open();
    await expect.poll(() => feed.getSnapshot().changes?.files[0]?.path).toBe('f1');
    api.emit('changes.updated', { sessionId: ID });
    await expect.poll(() => n).toBe(2);
    api.emit('changes.updated', { sessionId: ID });
    api.emit('changes.updated', { sessionId: ID });
    await wait(60);
    expect(n).toBe(2);
    release();
    await expect.poll(() => feed.getSnapshot().changes?.files[0]?.path).toBe('f3');
    await wait(60);
    expect(n).toBe(3);
    feed.close();
  });

  it('shows the last file asked for, whatever order the answers come in', async () => {
    const { api, feed } = setup();
    const pending = new Map<string, (d: FileDiff) => void>();
    api.handle('changes.diff', ({ path }) => new Promise((r) => pending.set(path, r)));
    feed.open();
    feed.select('a.php');
    feed.select('b.php');
    expect(feed.getSnapshot()).toMatchObject({ selectedPath: 'b.php', diffLoading: true });
    await expect.poll(() => pending.size).toBe(2);
    pending.get('b.php')!(diffOf('b.php', 'B'));
    pending.get('a.php')!(diffOf('a.php', 'A'));
    await expect.poll(() => feed.getSnapshot().diff?.diff).toBe('B');
    await wait(10);
    expect(feed.getSnapshot().diff?.path).toBe('b.php');
    feed.close();
  });

  it('refreshes the shown diff on a change, and clears it when the file is no longer changed', async () => {
    const { api, feed, setFiles } = setup();
    let version = 1;
    api.handle('changes.diff', ({ path }) => diffOf(path, `v${version}`));
    feed.open();
    feed.select('routes/web.php');
    await expect.poll(() => feed.getSnapshot().diff?.diff).toBe('v1');
    version = 2;
    api.emit('changes.updated', { sessionId: ID });
    await expect.poll(() => feed.getSnapshot().diff?.diff).toBe('v2');
    setFiles([]);
    api.emit('changes.updated', { sessionId: ID });
    await expect.poll(() => feed.getSnapshot().changes?.files.length).toBe(0);
    expect(feed.getSnapshot().diff).toBeNull();
    feed.close();
  });

  it('shows the host’s problem when the changes cannot be read', async () => {
    const { api, feed } = setup();
    api.fail('changes.get', { what: 'The session copy is gone', fix: 'Remove the session.' });
    feed.open();
    await expect.poll(() => feed.getSnapshot().error?.what).toBe('The session copy is gone');
    expect(feed.getSnapshot().loading).toBe(false);
    feed.close();
  });
});
