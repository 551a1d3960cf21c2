// The browser harness's transport: the same API over a WebSocket on 127.0.0.1, one message per
// frame (JSON text; binary when it carries a terminal's bytes, shared/wire.ts). A connection needs
// an allowed Origin (pages served by this process) and the per-start access token
// (`/api?token=…`): the Origin keeps other sites' pages out, the token every other local process.
// A face that misbehaves (an oversize frame) is dropped, never the host.
import { createHash, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { WebSocketServer } from 'ws';
import { MAX_MESSAGE_BYTES } from '../../../shared/protocol';
import { encodeFrame } from '../../../shared/wire';
import { serveConnection, type Broadcast } from './connection';
import type { Dispatch } from './dispatch';

export interface WebSocketAccess {
  allowedOrigin: (origin: string | undefined) => boolean;
  /** The secret every connection must present as `?token=`. */
  token: string;
}

export function attachWebSocket(
  server: http.Server,
  dispatch: Dispatch,
  broadcast: Broadcast,
  access: WebSocketAccess,
): WebSocketServer {
  const wss = new WebSocketServer({
    server,
    path: '/api',
    maxPayload: MAX_MESSAGE_BYTES,
    verifyClient: (
      { origin, req }: { origin?: string; req: http.IncomingMessage },
      done: (ok: boolean, code?: number, message?: string) => void,
    ) => {
      if (!access.allowedOrigin(origin)) return done(false, 403, 'Origin not allowed');
      if (!sameSecret(tokenOf(req), access.token)) return done(false, 401, 'Token required');
      done(true);
    },
  });
  wss.on('connection', (ws) => {
    // `ws` reports a bad frame (oversize, invalid) as an error on this socket, after starting a
    // close with the matching code (1009 for size). Unhandled, that error would end the host.
    ws.on('error', () => ws.terminate());
    serveConnection(
      {
        send: (message) => {
          if (ws.readyState === ws.OPEN) ws.send(encodeFrame(message));
        },
        // A face speaks JSON text; a binary frame from it reads as the malformed message it is.
        onMessage: (l) => ws.on('message', (data, isBinary) => l(isBinary ? '' : data.toString())),
        onClose: (l) => ws.once('close', l),
      },
      dispatch,
      broadcast,
    );
  });
  return wss;
}

function tokenOf(req: http.IncomingMessage): string {
  try {
    return new URL(req.url ?? '', 'http://x').searchParams.get('token') ?? '';
  } catch {
    return '';
  }
}

/** Constant time in the secret: both sides hashed to one length, then compared whole. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected)) && expected.length > 0;
}
