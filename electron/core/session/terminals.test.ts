import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { Client } from '../api/dispatch';
import { COALESCE_MS, HIGH_WATER, LOW_WATER, MESSAGE_BYTES, Terminals } from './terminals';

class Channel extends EventEmitter {
  paused = false;
  written: string[] = [];
  window: number[] = [];
  write(d: string) {
    this.written.push(d);
  }
  pause() {
    this.paused = true;
  }
  resume() {
    this.paused = false;
  }
  close() {
    this.emit('exit', 0);
    this.emit('close');
  }
  setWindow(rows: number, cols: number) {
    this.window = [rows, cols];
  }
}

function client() {
  const sent: { event: string; payload: { data?: Uint8Array; exitCode?: number | null } }[] = [];
  let onClose = () => {};
  const c: Client = {
    id: 'c',
    send: (event, payload) => sent.push({ event, payload: payload as never }),
    onClose: (l) => (onClose = l),
  };
  return { c, sent, gone: () => onClose() };
}

const text = (m: { payload: { data?: Uint8Array } }) => Buffer.from(m.payload.data!).toString();

describe('terminal streams', () => {
  it('pauses the channel when the face falls behind and resumes as it acknowledges', async () => {
    const terms = new Terminals();
    const ch = new Channel();
    const { c, sent } = client();
    const id = terms.attach('s1', c, ch as never);
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let pushed = 0;
    while (!ch.paused) {
      ch.emit('data', chunk);
      pushed += chunk.length;
      expect(pushed).toBeLessThan(10 * HIGH_WATER);
    }
    expect(terms.backlog(id)).toBeGreaterThan(HIGH_WATER);
    await new Promise((r) => setTimeout(r, COALESCE_MS + 5));
    expect(sent.reduce((n, s) => n + (s.payload.data?.length ?? 0), 0)).toBe(pushed);
    terms.ack(id, pushed - LOW_WATER - 1024);
    expect(ch.paused).toBe(true); // still above the low-water mark
    terms.ack(id, 2048);
    expect(ch.paused).toBe(false);
  });

  it('passes the bytes on untouched, a character split across messages too (the face decodes)', async () => {
    const terms = new Terminals();
    const ch = new Channel();
    const { c, sent } = client();
    terms.attach('s1', c, ch as never);
    const bytes = Buffer.concat([Buffer.from('╭─ ü 日本', 'utf8'), Buffer.from([0xff, 0x1b])]);
    for (const b of bytes) {
      ch.emit('data', Buffer.from([b]));
      await new Promise(setImmediate);
    }
    expect(sent).toHaveLength(bytes.length);
    expect(Buffer.concat(sent.map((s) => s.payload.data!)).equals(bytes)).toBe(true);
  });

  it('sends what arrives in one turn as one message, in order, notices after it', async () => {
    const terms = new Terminals();
    const ch = new Channel();
    const { c, sent } = client();
    terms.attach('s1', c, ch as never);
    for (let i = 0; i < 10; i++) ch.emit('data', Buffer.from(`line ${i}\r\n`));
    expect(sent).toEqual([]); // not yet: the turn has not ended
    await new Promise(setImmediate);
    expect(sent.map(text)).toEqual([
      Array.from({ length: 10 }, (_, i) => `line ${i}\r\n`).join(''),
    ]);
    ch.emit('data', Buffer.from('before the notice'));
    terms.notice('s1', 'reconnecting');
    expect(sent.slice(1).map(text)).toEqual(['before the notice', '\r\n[Clave] reconnecting\r\n']);
    // A flood leaves in messages of about MESSAGE_BYTES, without waiting for the turn's end.
    ch.emit('data', Buffer.alloc(MESSAGE_BYTES + 10, 'y'));
    expect(sent.at(-1)!.payload.data).toHaveLength(MESSAGE_BYTES + 10);
  });

  it('while the face is behind, holds small output back to join the next message', async () => {
    const terms = new Terminals();
    const ch = new Channel();
    const { c, sent } = client();
    const id = terms.attach('s1', c, ch as never);
    ch.emit('data', Buffer.alloc(MESSAGE_BYTES, 'a')); // sent at once, not drawn yet
    expect(sent).toHaveLength(1);
    for (let i = 0; i < 3; i++) {
      ch.emit('data', Buffer.alloc(32 * 1024, 'b'));
      await new Promise(setImmediate); // a turn ends: still held, the face has plenty to draw
    }
    expect(sent).toHaveLength(1);
    await new Promise((r) => setTimeout(r, COALESCE_MS + 5));
    expect(sent.map((s) => s.payload.data!.length)).toEqual([MESSAGE_BYTES, 96 * 1024]);
    // Drawn and acknowledged: a keystroke's echo leaves when the turn ends.
    terms.ack(id, MESSAGE_BYTES + 96 * 1024);
    ch.emit('data', Buffer.from('x'));
    await new Promise(setImmediate);
    expect(text(sent.at(-1)!)).toBe('x');
  });

  it('forwards input and resize, and closes with the face', async () => {
    const terms = new Terminals();
    const ch = new Channel();
    const { c, sent, gone } = client();
    const id = terms.attach('s1', c, ch as never);
    terms.write(id, 'ls\r');
    terms.resize(id, 132, 40);
    expect(ch.written).toEqual(['ls\r']);
    expect(ch.window).toEqual([40, 132]);
    gone();
    await new Promise((r) => setTimeout(r, 0));
    expect(sent.at(-1)).toEqual({
      event: 'terminal.exit',
      payload: { terminalId: id, exitCode: 0 },
    });
    expect(() => terms.write(id, 'x')).toThrow(/No open terminal/);
  });

  it('carries on with a reopened channel (same id, a notice, no exit), and ends when there is none', async () => {
    const terms = new Terminals();
    const first = new Channel();
    const second = new Channel();
    const { c, sent } = client();
    const reopens = [second, null];
    const id = terms.attach('s1', c, first as never, {
      reopen: async () => reopens.shift() as never,
    });
    terms.notice('s1', 'Connection to the VM lost, reconnecting…');
    first.emit('close');
    await new Promise((r) => setTimeout(r, 10));
    second.emit('data', Buffer.from('pane again'));
    await new Promise(setImmediate);
    terms.write(id, 'typed');
    expect(second.written).toEqual(['typed']);
    expect(sent.map((m) => m.event)).toEqual(['terminal.data', 'terminal.data']);
    expect(text(sent[0]!)).toContain('[Clave] Connection to the VM lost, reconnecting…');
    expect(text(sent[1]!)).toBe('pane again');
    second.emit('close');
    await new Promise((r) => setTimeout(r, 10));
    expect(sent.at(-1)).toMatchObject({ event: 'terminal.exit' });
    expect(() => terms.write(id, 'x')).toThrow(/No open terminal/);
  });
});
