// Serves one connected face over any message transport (a socket line, a WebSocket frame):
// requests go through the dispatcher, failures become Problems, events flow back. Each transport
// frames what goes out (shared/wire.ts): a message may carry bytes.
import { randomUUID } from 'node:crypto';
import { WireRequest, type WireMessage } from '../../../shared/protocol';
import type { Problem } from '../../../shared/session';
import { toProblem } from '../problem';
import type { Client, Dispatch } from './dispatch';

export interface MessageTransport {
  send(message: WireMessage): void;
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
    send: (event, payload) => transport.send({ event, payload }),
    onClose: (l) => closeListeners.push(l),
  };
  const unsubscribe = broadcast?.add(client);
  transport.onClose(() => {
    unsubscribe?.();
    for (const l of closeListeners.splice(0)) l();
  });
  transport.onMessage((text) => {
    let req: WireRequest;
    try {
      req = WireRequest.parse(JSON.parse(text));
    } catch {
      return transport.send(wireError(-1, { what: 'Malformed message' }));
    }
    const { id } = req;
    dispatch({ method: req.method, params: req.params }, client).then(
      (result) => transport.send({ id, result: result ?? null }),
      (error: unknown) => transport.send(wireError(id, toProblem(error))),
    );
  });
  return client;
}

/** A refusal as it goes on the wire; id -1 when the message had no (readable) id. */
export function wireError(id: number, problem: Problem): WireMessage {
  return { id, error: problem };
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
