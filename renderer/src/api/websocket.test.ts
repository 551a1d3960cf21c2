import { describe, expect, it } from 'vitest';
import { encodeFrame, utf8 } from '../../../shared/wire';
import { apiUrlFor, connectWebSocket, takeAccessToken } from './websocket';

class FakeSocket {
  static all: FakeSocket[] = [];
  sent: string[] = [];
  binaryType = 'blob';
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(text: string) {
    this.sent.push(text);
  }
  close() {
    this.onclose?.();
  }
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('WebSocket transport', () => {
  it('talks to /api on the page’s own host, with the token', () => {
    expect(apiUrlFor({ protocol: 'http:', host: '127.0.0.1:4178' }, 'a-b_c')).toBe(
      'ws://127.0.0.1:4178/api?token=a-b_c',
    );
    expect(apiUrlFor({ protocol: 'https:', host: 'x.test' }, '')).toBe('wss://x.test/api?token=');
  });

  it('takes the token from the address once, keeps it for the tab, and leaves the route', () => {
    const path = location.pathname + location.search;
    sessionStorage.clear();
    history.replaceState(null, '', `${path}#settings&token=a%2Bb_c`);
    expect(takeAccessToken(window)).toBe('a+b_c');
    expect(location.hash).toBe('#settings');
    // A reload or a route change later: the address has no token, the tab still knows it.
    history.replaceState(null, '', path);
    expect(takeAccessToken(window)).toBe('a+b_c');
    sessionStorage.clear();
    expect(takeAccessToken(window)).toBe('');
  });

  it('calls, delivers events, fails fast while down and reconnects with a new epoch', async () => {
    FakeSocket.all = [];
    const conn = connectWebSocket('ws://h/api', {
      WebSocketImpl: FakeSocket as unknown as typeof WebSocket,
      maxDelayMs: 10,
    });
    const statuses: string[] = [];
    conn.onStatus((s) => statuses.push(`${s.state}:${s.epoch}`));
    const events: string[] = [];
    conn.api.on('terminal.data', (e) => events.push(new TextDecoder().decode(e.data)));

    await expect(conn.api.call('sessions.list', {})).rejects.toMatchObject({
      problem: { what: 'Not connected to the Clave host' },
    });
    const first = FakeSocket.all[0]!;
    first.onopen?.();
    const listed = conn.api.call('sessions.list', {});
    const req = JSON.parse(first.sent[0]!) as { id: number; method: string };
    expect(req.method).toBe('sessions.list');
    first.onmessage?.({ data: JSON.stringify({ id: req.id, result: [] }) });
    await expect(listed).resolves.toEqual([]);
    // Terminal output comes as a binary frame, read as an ArrayBuffer.
    expect(first.binaryType).toBe('arraybuffer');
    const frame = encodeFrame({
      event: 'terminal.data',
      payload: { terminalId: 't', data: utf8('a') },
    });
    first.onmessage?.({ data: (frame as Uint8Array).slice().buffer });

    // The socket drops: pending calls fail, a new socket comes, listeners still get events.
    const pending = conn.api.call('sessions.list', {});
    first.onclose?.();
    await expect(pending).rejects.toMatchObject({ problem: { what: 'Connection to Clave lost' } });
    await wait(300);
    const second = FakeSocket.all[1]!;
    second.onopen?.();
    second.onmessage?.({
      data: JSON.stringify({
        event: 'terminal.data',
        payload: { terminalId: 't', data: { $b64: 'Yg==' } },
      }),
    });
    expect(events).toEqual(['a', 'b']);
    expect(statuses).toEqual(['open:1', 'closed:1', 'open:2']);
    conn.close();
  });
});
