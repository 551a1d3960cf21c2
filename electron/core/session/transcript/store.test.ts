// The local side of saved conversations, on a real folder: load, the readability check, the
// swap that replaces a save, and the sweep of sessions without a record.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pickConversation } from './save';
import { TranscriptStore } from './store';

const root = mkdtempSync(path.join(tmpdir(), 'clave-transcripts-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const SID = '0b4c7f2e-1111-4a2b-9c3d-123456789abc';
const line = (o: object) => JSON.stringify(o) + '\n';

async function saveOf(store: TranscriptStore, id: string, files: Record<string, string>) {
  const tmp = await store.begin(id);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
    writeFileSync(path.join(tmp, rel), text);
  }
  await store.commit(id, tmp);
}

describe('TranscriptStore', () => {
  it('loads a saved conversation with its sidecar, and a newer save replaces it whole', async () => {
    const store = new TranscriptStore(path.join(root, 'a'));
    await saveOf(store, 'aaaa1111', {
      [`${SID}.jsonl`]: line({ sessionId: SID }),
      [`${SID}/subagents/x.jsonl`]: '{}\n',
    });
    const saved = await store.load('aaaa1111', SID);
    expect(saved).toEqual({
      claudeSessionId: SID,
      files: [`${SID}.jsonl`, `${SID}/subagents/x.jsonl`],
      dirs: [SID, `${SID}/subagents`],
      bytes: line({ sessionId: SID }).length + 3,
    });
    await saveOf(store, 'aaaa1111', { [`${SID}.jsonl`]: line({ sessionId: SID, n: 2 }) });
    expect((await store.load('aaaa1111', SID))?.files).toEqual([`${SID}.jsonl`]);
    expect(readdirSync(store.root)).toEqual(['aaaa1111']);
    // Not a Claude session id, or not saved: nothing.
    expect(await store.load('aaaa1111', '../x')).toBeNull();
    expect(await store.load('bbbb2222', SID)).toBeNull();
  });

  it('says why a conversation cannot be resumed', async () => {
    const store = new TranscriptStore(path.join(root, 'b'));
    const check = async (text: string) => {
      await saveOf(store, 'cccc3333', { [`${SID}.jsonl`]: text });
      return store.unreadable('cccc3333', SID);
    };
    expect(await check(line({ sessionId: SID }) + line({ type: 'x' }))).toBeNull();
    // A torn last line (a crash mid-write) is skipped, as Claude does.
    expect(await check(line({ sessionId: SID }) + '{"type":"us')).toBeNull();
    expect(await check('garbage\n' + line({ sessionId: SID }))).toBe('Line 1 is not JSON.');
    expect(await check('[1]\n')).toBe('Line 1 is not a JSON object.');
    expect(await check(line({ sessionId: 'another' }))).toContain('No line of it belongs');
    expect(await check('')).toContain('No line of it belongs');
    expect(await store.unreadable('dddd4444', SID)).toMatch(/^It could not be read/);
  });

  it('sweeps the conversations (and cut-short saves) of sessions without a record', async () => {
    const store = new TranscriptStore(path.join(root, 'c'));
    await saveOf(store, 'keep1111', { 'x.jsonl': '' });
    await saveOf(store, 'gone2222', { 'x.jsonl': '' });
    await store.begin('gone2222');
    const busy = await store.begin('keep1111');
    expect(
      (await store.sweep(new Set(['keep1111']))).map((n) => n.split('.tmp-')[0]).sort(),
    ).toEqual(['.gone2222', 'gone2222']);
    expect(readdirSync(store.root).sort()).toEqual([path.basename(busy), 'keep1111']);
    await store.remove('keep1111');
    expect(readdirSync(store.root)).toEqual([path.basename(busy)]);
  });
});

describe('which conversation is saved', () => {
  const file = (name: string, mtimeMs: number, kind: 'file' | 'dir' | 'other' = 'file') => ({
    name,
    kind,
    size: 1,
    mtimeMs,
  });
  it('takes the id Claude reported when its file is there, else the newest', () => {
    const entries = [file(`${SID}.jsonl`, 1), file('new.jsonl', 5), file('memory', 9, 'dir')];
    expect(pickConversation(entries, SID)).toBe(SID);
    expect(pickConversation(entries, 'missing')).toBe('new');
    expect(pickConversation(entries, null)).toBe('new');
  });
  it('never takes a symlink, a folder or a name that is not an id', () => {
    expect(
      pickConversation(
        [file('link.jsonl', 9, 'other'), file('d.jsonl', 9, 'dir'), file('-x.jsonl', 9)],
        null,
      ),
    ).toBeNull();
  });
});

describe('a symlink in the data dir is not a conversation', () => {
  it('load() skips a symlinked jsonl', async () => {
    const store = new TranscriptStore(path.join(root, 'd'));
    mkdirSync(store.dir('eeee5555'), { recursive: true });
    writeFileSync(path.join(root, 'secret'), 'x');
    symlinkSync(path.join(root, 'secret'), path.join(store.dir('eeee5555'), `${SID}.jsonl`));
    expect(await store.load('eeee5555', SID)).toBeNull();
  });
});
