// The browser harness's transport: the same API over a WebSocket on 127.0.0.1, one JSON message
// per frame. Only pages served by this process (same origin) may connect.
import type http from 'node:http';
import { WebSocketServer } from 'ws';
import { serveConnection, type Broadcast } from './connection';
import type { Dispatch } from './dispatch';

export function attachWebSocket(
  server: http.Server,
  dispatch: Dispatch,
  broadcast: Broadcast,
  allowedOrigin: (origin: string | undefined) => boolean,
): WebSocketServer {
  const wss = new WebSocketServer({
    server,
    path: '/api',
    maxPayload: 2 * 1024 * 1024,
    verifyClient: ({ origin }: { origin?: string }) => allowedOrigin(origin),
  });
  wss.on('connection', (ws) => {
    serveConnection(
      {
        send: (text) => {
          if (ws.readyState === ws.OPEN) ws.send(text);
        },
        onMessage: (l) => ws.on('message', (data) => l(data.toString())),
        onClose: (l) => ws.once('close', l),
      },
      dispatch,
      broadcast,
    );
  });
  return wss;
}
