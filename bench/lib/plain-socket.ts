// A WebSocket server with nothing of Clave in it: it streams bytes to the bare xterm page in
// messages of the host's size and framing, with the host's flow control (pause above HIGH_WATER
// bytes unacknowledged, resume below LOW_WATER). The page's socket() acknowledges as the app does.
// What is left between this and xterm alone is the browser's WebSocket delivery.
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { HIGH_WATER, LOW_WATER, MESSAGE_BYTES } from '../../electron/core/session/terminals';
import { encodeFrame } from '../../shared/wire';

export interface PlainSocket {
  url: string;
  close(): Promise<void>;
}

export async function servePlainSocket(bytes: Buffer): Promise<PlainSocket> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => wss.once('listening', resolve));
  wss.on('connection', (ws) => {
    let next = 0;
    let unacked = 0;
    const pump = () => {
      while (next < bytes.length && unacked < HIGH_WATER) {
        const data = bytes.subarray(next, next + MESSAGE_BYTES);
        next += data.length;
        unacked += data.length;
        ws.send(encodeFrame({ event: 'terminal.data', payload: { terminalId: 'plain', data } }));
      }
    };
    ws.on('message', (m) => {
      unacked -= Number(m.toString());
      if (unacked < LOW_WATER) pump();
    });
    pump();
  });
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}
