// The host's local socket against a face that sends a line without end: the connection is closed
// with a clear error once the line passes MAX_MESSAGE_BYTES, the host's memory stays put, and the
// next face is served. The host runs in this process, so its memory is this process's.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES } from '../../../shared/protocol';
import { ClientSet } from './connection';
import { createDispatcher, type ApiHandlers } from './dispatch';
import { listenOnSocket } from './socket-server';

const dispatch = createDispatcher({
  'app.info': () => ({ name: 'Clave', version: '1.0.0', platform: 'linux', face: 'cli' }),
} as unknown as ApiHandlers);

let dir: string;
let server: net.Server;
const file = () => path.join(dir, 'host.sock');

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'clave-socket-'));
  server = await listenOnSocket(file(), dispatch, new ClientSet());
});

afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One request on a new connection, answered. */
async function ask(method: string): Promise<{ id: number; result?: unknown; error?: unknown }> {
  const s = net.connect(file());
  let text = '';
  s.on('data', (d) => (text += d.toString()));
  s.write(JSON.stringify({ id: 1, method, params: {} }) + '\n');
  for (let i = 0; i < 100 && !text.includes('\n'); i++) await new Promise((r) => setTimeout(r, 20));
  s.destroy();
  return JSON.parse(text.split('\n')[0]!) as { id: number };
}

describe('socket line limit', () => {
  it('closes a connection whose line passes the limit, with an error, without growing', async () => {
    expect(await ask('app.info')).toMatchObject({ id: 1, result: { name: 'Clave' } });

    const total = 64 * 1024 * 1024; // 32 × the limit, never a newline
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);

    const bad = net.connect(file());
    let received = '';
    let closed = false;
    bad.on('data', (d) => (received += d.toString()));
    bad.on('error', () => {});
    const gone = new Promise<void>((r) => bad.once('close', () => ((closed = true), r())));
    await new Promise<void>((r) => bad.once('connect', () => r()));
    for (let sent = 0; sent < total && !closed; sent += chunk.length) {
      if (!bad.write(chunk))
        await new Promise<void>((r) => {
          bad.once('drain', r);
          bad.once('close', r);
        });
    }
    await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);

    expect(closed).toBe(true);
    expect(JSON.parse(received.split('\n')[0]!)).toMatchObject({
      id: -1,
      error: { what: 'Message too large: connection closed' },
    });
    // The limit's worth of buffer at most, plus socket, allocator and young-generation slack
    // (the test and the server share this process) — far below the 64 MB a server that kept
    // reading would hold.
    expect(peak - before).toBeLessThan(MAX_MESSAGE_BYTES + 16 * 1024 * 1024);

    // The host goes on serving.
    expect(await ask('app.info')).toMatchObject({ id: 1, result: { name: 'Clave' } });
  });
});

describe('method names from the wire', () => {
  it.each(['__proto__', 'constructor', 'toString'])('%s is an unknown method', async (method) => {
    expect(await ask(method)).toEqual({
      id: 1,
      error: { what: 'Malformed request: unknown method' },
    });
    expect(await ask('app.info')).toMatchObject({ id: 1, result: { name: 'Clave' } });
  });
});
