// The session host's local socket: newline-delimited JSON, owner-only (the socket lives in the
// data dir, created 0700, and the socket file itself is chmod 0600).
import { chmodSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { serveConnection, type Broadcast } from './connection';
import type { Dispatch } from './dispatch';

export function lineTransport(socket: net.Socket) {
  return {
    send: (text: string) => {
      if (!socket.destroyed) socket.write(text + '\n');
    },
    onMessage: (l: (text: string) => void) => {
      const lines = createInterface({ input: socket, crlfDelay: Infinity });
      // readline re-emits the socket's errors (a face that vanished: ECONNRESET); the socket's
      // own handler closes it, and one face going away must never take the host down.
      lines.on('error', () => {});
      lines.on('line', (line) => {
        if (line.trim()) l(line);
      });
    },
    onClose: (l: () => void) => socket.once('close', l),
  };
}

/** Is a host already answering on this socket? (A stale file from a crash is not a host.) */
export function socketIsLive(file: string): Promise<boolean> {
  return new Promise((resolve) => {
    if (!existsSync(file)) return resolve(false);
    const s = net.connect(file);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

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
