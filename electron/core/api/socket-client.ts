// A face's connection to the session host's local socket (the CLI, tests). The one place where
// the host going away becomes an answer: every pending call and waiter fails (RpcClient.close).
import { existsSync } from 'node:fs';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { createRpcClient, type RpcClient, type RpcClientOptions } from '../../../shared/protocol';

export interface SocketConnection extends RpcClient {
  socket: net.Socket;
  end(): void;
}

export function connectSocket(
  file: string,
  options: RpcClientOptions = {},
): Promise<SocketConnection> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(file);
    const rpc = createRpcClient((text) => {
      if (!socket.destroyed) socket.write(text + '\n');
    }, options);
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => {});
      const lines = createInterface({ input: socket, crlfDelay: Infinity });
      lines.on('error', () => {});
      lines.on('line', (l) => rpc.receive(l));
      socket.once('close', () =>
        rpc.close('The Clave host closed the connection before answering (it stopped or crashed).'),
      );
      resolve({ ...rpc, socket, end: () => socket.end() });
    });
  });
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
