// Serves one connected face over any message transport (a socket line, a WebSocket frame):
// requests go through the dispatcher, failures become Problems, events flow back.
import { randomUUID } from 'node:crypto';
import { WireRequest } from '../../../shared/protocol';
import { toProblem } from '../session/problem';
import type { Client, Dispatch } from './dispatch';

export interface MessageTransport {
  send(text: string): void;
  onMessage(listener: (text: string) => void): void;
  onClose(listener: () => void): void;
}

export interface Broadcast {
  add(client: Client): () => void;
}

export function serveConnection(
  transport: MessageTransport,
  dispatch: Dispatch,
  broadcast?: Broadcast,
): Client {
  const closeListeners: (() => void)[] = [];
  const client: Client = {
    id: randomUUID(),
    send: (event, payload) => transport.send(JSON.stringify({ event, payload })),
    onClose: (l) => closeListeners.push(l),
  };
  const unsubscribe = broadcast?.add(client);
  transport.onClose(() => {
    unsubscribe?.();
    for (const l of closeListeners.splice(0)) l();
  });
  transport.onMessage((text) => {
    let id: number | undefined;
    try {
      const req = WireRequest.parse(JSON.parse(text));
      id = req.id;
      dispatch({ method: req.method, params: req.params }, client).then(
        (result) => transport.send(JSON.stringify({ id, result: result ?? null })),
        (error: unknown) => transport.send(JSON.stringify({ id, error: toProblem(error) })),
      );
    } catch {
      transport.send(JSON.stringify({ id: id ?? -1, error: { what: 'Malformed message' } }));
    }
  });
  return client;
}

/** The set of connected faces that receive every broadcast event (session updates, progress). */
export class ClientSet implements Broadcast {
  private readonly clients = new Set<Client>();
  add(client: Client) {
    this.clients.add(client);
    return () => void this.clients.delete(client);
  }
  send: Client['send'] = (event, payload) => {
    for (const c of this.clients) c.send(event, payload);
  };
}
