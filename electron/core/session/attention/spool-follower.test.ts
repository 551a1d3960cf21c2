// The follow command against a real file and GNU tail, and the reader over its byte stream.
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SPOOL_FILE } from './hook-script';
import { followCommand, SpoolReader, type SpoolBatch } from './spool-follower';

const root = mkdtempSync(path.join(tmpdir(), 'clave-spool-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const line = (hook: string, i: number) =>
  JSON.stringify({ ts: i, hook, data: { message: String(i) } }) + '\n';

function reader(resumeAt = 0) {
  const batches: SpoolBatch[] = [];
  let gone = 0;
  const r = new SpoolReader(resumeAt, { batch: (b) => batches.push(b), gone: () => gone++ });
  return { r, batches, gone: () => gone, events: () => batches.flatMap((b) => b.events) };
}

describe('the spool reader', () => {
  it('hands over whole lines with the offset past them, however the bytes are cut', () => {
    const text = 'clave-spool 0\n' + line('Stop', 1) + 'garbage\n' + line('SessionStart', 2);
    const bytes = Buffer.from(text);
    const x = reader();
    for (let i = 0; i < bytes.length; i += 7) x.r.push(bytes.subarray(i, i + 7));
    expect(x.events().map((e) => e.hook)).toEqual(['Stop', 'SessionStart']);
    expect(x.batches.at(-1)!.offset).toBe(bytes.length - 'clave-spool 0\n'.length);
    expect(x.r.counters).toMatchObject({ events: 2, malformed: 1, resets: 0 });
  });

  it('counts multi-byte characters as bytes', () => {
    const l =
      JSON.stringify({ ts: 1, hook: 'Stop', data: { last_assistant_message: 'ü🎉' } }) + '\n';
    const x = reader(10);
    x.r.push(Buffer.from('clave-spool 10\n' + l));
    expect(x.batches.at(-1)!.offset).toBe(10 + Buffer.byteLength(l));
  });

  it('holds back a partial line until its newline', () => {
    const x = reader();
    const l = line('Stop', 1);
    x.r.push(Buffer.from('clave-spool 0\n' + l.slice(0, 10)));
    expect(x.events()).toEqual([]);
    x.r.push(Buffer.from(l.slice(10)));
    expect(x.events()).toHaveLength(1);
  });

  it('skips an over-long line without keeping it, and goes on after it', () => {
    const x = reader();
    x.r.push(Buffer.from('clave-spool 0\n'));
    const junk = Buffer.alloc(64 * 1024, 'x');
    for (let i = 0; i < 8; i++) x.r.push(junk);
    x.r.push(Buffer.from('\n' + line('Stop', 1)));
    expect(x.events().map((e) => e.hook)).toEqual(['Stop']);
    expect(x.r.counters.malformed).toBe(1);
    expect(x.batches.at(-1)!.offset).toBe(8 * junk.length + 1 + line('Stop', 1).length);
  });

  it('starts again at 0 when the header or tail says the file shrank or was replaced', () => {
    const x = reader(500);
    x.r.push(Buffer.from('clave-spool 0\n'));
    expect(x.r.counters.resets).toBe(1);
    expect(x.batches.at(-1)).toEqual({ events: [], offset: 0 });
    x.r.push(
      Buffer.from(
        line('Stop', 1) + '{"ts":1,"hook":"St' + 'tail: /h/.clave/events.jsonl: file truncated\n',
      ),
    );
    expect(x.r.counters.resets).toBe(2);
    expect(x.batches.at(-1)!.offset).toBe(0);
    x.r.push(
      Buffer.from(
        "tail: '/h/.clave/events.jsonl' has become inaccessible: No such file or directory\n",
      ),
    );
    expect(x.gone()).toBe(1);
    x.r.push(
      Buffer.from(
        "tail: '/h/.clave/events.jsonl' has appeared;  following new file\n" + line('Stop', 2),
      ),
    );
    expect(x.r.counters.resets).toBe(3);
    expect(x.batches.at(-1)!.offset).toBe(line('Stop', 2).length);
    expect(x.r.counters.malformed).toBe(0);
  });
});

describe('the follow command (GNU tail in a shell, as in the VM)', () => {
  it('resumes at the offset, follows appends, and restarts at 0 after a truncation', async () => {
    const home = path.join(root, 'h1');
    mkdirSync(path.join(home, '.clave'), { recursive: true });
    const spool = path.join(home, SPOOL_FILE);
    appendFileSync(spool, line('Stop', 1) + line('Stop', 2));
    const offset = line('Stop', 1).length;
    const x = reader(offset);
    const child = spawn('/bin/sh', ['-c', followCommand(offset)], {
      env: { HOME: home, PATH: process.env.PATH },
    });
    child.stdout.on('data', (c: Buffer) => x.r.push(c));
    const until = async (ok: () => boolean) => {
      for (let i = 0; i < 100 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
      expect(ok()).toBe(true);
    };
    try {
      await until(() => x.events().length === 1);
      expect(x.events()[0]!.data).toEqual({ message: '2' });
      appendFileSync(spool, line('SessionEnd', 3));
      await until(() => x.events().length === 2);
      expect(x.batches.at(-1)!.offset).toBe(statSync(spool).size);
      truncateSync(spool, 0);
      await new Promise((r) => setTimeout(r, 300));
      appendFileSync(spool, line('SessionStart', 4));
      await until(() => x.events().length === 3);
      expect(x.r.counters.resets).toBe(1);
      expect(x.batches.at(-1)!.offset).toBe(line('SessionStart', 4).length);
    } finally {
      child.kill();
    }
  });

  it('makes a missing spool, and starts at 0 when the offset is past its end', async () => {
    const home = path.join(root, 'h2');
    mkdirSync(home);
    const x = reader(1000);
    const child = spawn('/bin/sh', ['-c', followCommand(1000)], {
      env: { HOME: home, PATH: process.env.PATH },
    });
    child.stdout.on('data', (c: Buffer) => x.r.push(c));
    try {
      for (let i = 0; i < 100 && x.batches.length === 0; i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(x.batches[0]).toEqual({ events: [], offset: 0 });
      expect(statSync(path.join(home, SPOOL_FILE)).mode & 0o777).toBe(0o600);
    } finally {
      child.kill();
    }
  });
});
