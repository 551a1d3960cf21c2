// The WebSocket transport against bad faces: no or a wrong token, a foreign Origin, an oversize
// frame. Each is refused or dropped alone; the host (this process) goes on serving the others.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_TERMINAL_CHARS } from '../../../shared/api';
import { MAX_MESSAGE_BYTES } from '../../../shared/protocol';
import { ClientSet } from './connection';
import { createDispatcher, type ApiHandlers } from './dispatch';
import { attachWebSocket } from './ws-server';

const TOKEN = 'c0ffee'.repeat(8);
const dispatch = createDispatcher({
  'app.info': () => ({ name: 'Clave', version: '1.0.0', platform: 'linux', face: 'web' }),
  'terminal.write': () => null,
} as unknown as ApiHandlers);

let server: http.Server;
let origin: string;

beforeAll(async () => {
  server = http.createServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  attachWebSocket(server, dispatch, new ClientSet(), {
    allowedOrigin: (o) => o === origin,
    token: TOKEN,
  });
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

function open(query: string, from = origin): Promise<WebSocket> {
  const ws = new WebSocket(`${origin.replace('http', 'ws')}/api${query}`, { origin: from });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function ask(ws: WebSocket, id: number, method = 'app.info', params = {}): Promise<unknown> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const msg = JSON.parse(data.toString()) as { id?: number };
      if (msg.id !== id) return;
      ws.off('message', onMessage);
      resolve(msg);
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, method, params }));
  });
}

describe('WebSocket access', () => {
  it('refuses a connection without the token, with a wrong one, or from another origin', async () => {
    await expect(open('')).rejects.toThrow('HTTP 401');
    await expect(open('?token=')).rejects.toThrow('HTTP 401');
    await expect(open(`?token=${TOKEN.slice(1)}`)).rejects.toThrow('HTTP 401');
    await expect(open(`?token=${TOKEN}x`)).rejects.toThrow('HTTP 401');
    await expect(open(`?token=${TOKEN}`, 'http://evil.test')).rejects.toThrow('HTTP 403');
    const ws = await open(`?token=${TOKEN}`);
    expect(await ask(ws, 1)).toMatchObject({ result: { name: 'Clave' } });
    ws.close();
  });

  it('drops a face that sends an oversize frame; the host and the other faces go on', async () => {
    const good = await open(`?token=${TOKEN}`);
    const bad = await open(`?token=${TOKEN}`);
    bad.on('error', () => {});
    const closed = new Promise<number>((r) => bad.once('close', (code) => r(code)));
    bad.send('x'.repeat(MAX_MESSAGE_BYTES + 1));
    expect(await closed).toBe(1009); // "message too big"

    expect(await ask(good, 2)).toMatchObject({ result: { name: 'Clave' } });
    const again = await open(`?token=${TOKEN}`);
    expect(await ask(again, 3)).toMatchObject({ result: { name: 'Clave' } });
    good.close();
    again.close();
  });

  it('takes a frame of the largest legitimate size', async () => {
    const ws = await open(`?token=${TOKEN}`);
    // A terminal.write of the most input the schema allows, every character escaped in JSON.
    const data = '\x1b'.repeat(MAX_TERMINAL_CHARS);
    const size = JSON.stringify({
      id: 5,
      method: 'terminal.write',
      params: { terminalId: 't', data },
    }).length;
    expect(size).toBeLessThan(MAX_MESSAGE_BYTES);
    expect(await ask(ws, 5, 'terminal.write', { terminalId: 't', data })).toEqual({
      id: 5,
      result: null,
    });
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });
});
