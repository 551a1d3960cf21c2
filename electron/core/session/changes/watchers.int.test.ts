import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Client } from '../../api/dispatch';
import { TempDirs, git, makeRepo, write } from '../../host/testing/temp-repo';
import { ChangesWatchers } from './watchers';

const temp = new TempDirs();
afterAll(() => temp.cleanup());

const ID = 'watch001';

/** A connected face as the dispatcher sees one: what it was sent, and its close. */
function face(name: string) {
  const updates: number[] = [];
  const closers: (() => void)[] = [];
  const client: Client = {
    id: name,
    send: (event, payload) => {
      if (event === 'changes.updated' && (payload as { sessionId: string }).sessionId === ID)
        updates.push(Date.now());
    },
    onClose: (l) => closers.push(l),
  };
  return { client, updates, close: () => closers.splice(0).forEach((l) => l()) };
}

let copy: string;
let watchers: ChangesWatchers;
beforeEach(() => {
  copy = makeRepo(temp);
  watchers = new ChangesWatchers((id) => {
    if (id !== ID) throw new Error(`No session ${id}`);
    return copy;
  });
});
afterEach(() => watchers.closeAll());

async function until(check: () => boolean, ms: number) {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await sleep(20);
  return check();
}

describe('live changes of a session copy', () => {
  it('tells the watching face within a second of a change, and only that face', async () => {
    const a = face('a');
    const b = face('b');
    expect(watchers.watching(ID)).toBe(0);
    await watchers.set(a.client, ID, true);
    expect(watchers.watching(ID)).toBe(1);
    await sleep(100);
    const t0 = Date.now();
    write(copy, 'app/new.php', '<?php\n');
    expect(await until(() => a.updates.length > 0, 1000)).toBe(true);
    expect(a.updates[0]! - t0).toBeLessThan(1000);
    await sleep(300);
    expect(b.updates).toEqual([]);
    // Several changes close together are one notice.
    expect(a.updates).toHaveLength(1);
  });

  it('a commit counts (HEAD, refs, index); object stores and ignored app folders do not', async () => {
    const a = face('a');
    mkdirSync(path.join(copy, 'bootstrap')); // tracked in a Laravel app (bootstrap/app.php)
    await watchers.set(a.client, ID, true);
    await sleep(100);
    for (const dir of ['vendor/laravel', 'node_modules/x', 'storage/logs', 'bootstrap/cache']) {
      mkdirSync(path.join(copy, dir), { recursive: true });
      writeFileSync(path.join(copy, dir, 'f'), 'noise');
    }
    writeFileSync(path.join(copy, '.git', 'objects', 'noise'), 'x');
    await sleep(600);
    expect(a.updates).toEqual([]);
    write(copy, '.gitignore', 'changed\n');
    git(copy, 'commit', '-qam', 'commit in the copy');
    expect(await until(() => a.updates.length > 0, 1000)).toBe(true);
  });

  it('keeps telling while the agent writes without pause (never starved by the debounce)', async () => {
    const a = face('a');
    await watchers.set(a.client, ID, true);
    await sleep(100);
    const end = Date.now() + 1200;
    for (let i = 0; Date.now() < end; i++) {
      write(copy, 'busy.txt', `${i}\n`);
      await sleep(30);
    }
    await sleep(300);
    expect(a.updates.length).toBeGreaterThanOrEqual(3);
    expect(a.updates.length).toBeLessThanOrEqual(8);
  });

  it('stops when the face turns it off or goes away; nothing runs with no face watching', async () => {
    const a = face('a');
    const b = face('b');
    await watchers.set(a.client, ID, true);
    await watchers.set(b.client, ID, true);
    await watchers.set(a.client, ID, false);
    expect(watchers.watching(ID)).toBe(1);
    b.close();
    expect(watchers.watching(ID)).toBe(0);
    write(copy, 'after.txt', 'x\n');
    await sleep(500);
    expect([...a.updates, ...b.updates]).toEqual([]);
    // Turning it on again after a close works.
    await watchers.set(a.client, ID, true);
    write(copy, 'again.txt', 'x\n');
    expect(await until(() => a.updates.length > 0, 1000)).toBe(true);
  });

  it('refuses a session it cannot find, or a copy that is gone, and starts nothing', async () => {
    const a = face('a');
    await expect(watchers.set(a.client, 'nosuch01', true)).rejects.toThrow(/No session/);
    expect(watchers.watching('nosuch01')).toBe(0);
    const gone = new ChangesWatchers(() => path.join(copy, 'not-there'));
    await expect(gone.set(a.client, ID, true)).rejects.toThrow();
    expect(gone.watching(ID)).toBe(0);
  });

  it('two faces asking at once share one watch', async () => {
    const a = face('a');
    const b = face('b');
    await Promise.all([watchers.set(a.client, ID, true), watchers.set(b.client, ID, true)]);
    expect(watchers.watching(ID)).toBe(2);
    write(copy, 'both.txt', 'x\n');
    expect(await until(() => a.updates.length > 0 && b.updates.length > 0, 1000)).toBe(true);
    expect([a.updates.length, b.updates.length]).toEqual([1, 1]);
  });
});
