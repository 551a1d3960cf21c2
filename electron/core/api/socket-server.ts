// The session host's local socket: newline-delimited JSON, owner-only (the socket lives in the
// data dir, created 0700, and the socket file itself is chmod 0600).
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { MAX_MESSAGE_BYTES } from '../../../shared/protocol';
import { encodeText } from '../../../shared/wire';
import { serveConnection, wireError, type Broadcast, type MessageTransport } from './connection';
import { createLineSplitter } from './line-splitter';
import { socketIsLive } from './socket-client';
import type { Dispatch } from './dispatch';

// The liveness probe is a client's act (socket-client.ts); re-exported for session/testing.
export { socketIsLive };

export function lineTransport(socket: net.Socket): MessageTransport {
  return {
    send: (message) => {
      if (!socket.destroyed) socket.write(encodeText(message) + '\n');
    },
    onMessage: (l: (text: string) => void) => {
      const lines = createLineSplitter(MAX_MESSAGE_BYTES, (line) => {
        if (line.trim()) l(line);
      });
      const onData = (chunk: Buffer) => {
        if (lines.push(chunk)) return;
        // A line past the limit: say why, stop reading, close; its bytes are already dropped.
        socket.off('data', onData);
        socket.pause();
        socket.end(encodeText(wireError(-1, TOO_LARGE)) + '\n', () => socket.destroy());
      };
      socket.on('data', onData);
    },
    onClose: (l: () => void) => socket.once('close', l),
  };
}

const TOO_LARGE = {
  what: 'Message too large: connection closed',
  why: `A message (one line) went past ${MAX_MESSAGE_BYTES} bytes without its newline.`,
  fix: 'Send each request as one JSON line under the limit; split long terminal input.',
};

export async function listenOnSocket(
  file: string,
  dispatch: Dispatch,
  broadcast: Broadcast,
): Promise<net.Server> {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  if (await socketIsLive(file)) {
    throw new Error(`Another Clave host is already running (${file}). Use it, or stop it first.`);
  }
  rmSync(file, { force: true });
  const server = net.createServer((socket) => {
    socket.on('error', () => socket.destroy());
    serveConnection(lineTransport(socket), dispatch, broadcast);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(file, () => resolve());
  });
  chmodSync(file, 0o600);
  return server;
}
