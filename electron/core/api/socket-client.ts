// A face's connection to the session host's local socket (the CLI, tests).
import net from 'node:net';
import { createInterface } from 'node:readline';
import { createRpcClient, type RpcClient } from '../../../shared/protocol';

export interface SocketConnection extends RpcClient {
  socket: net.Socket;
  end(): void;
}

export function connectSocket(file: string): Promise<SocketConnection> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(file);
    const rpc = createRpcClient((text) => socket.write(text + '\n'));
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => {});
      const lines = createInterface({ input: socket, crlfDelay: Infinity });
      lines.on('error', () => {});
      lines.on('line', (l) => rpc.receive(l));
      socket.once('close', () => rpc.close('the Clave host closed the connection'));
      resolve({ ...rpc, socket, end: () => socket.end() });
    });
  });
}
