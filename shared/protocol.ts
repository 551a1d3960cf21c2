// The wire protocol shared by the socket and WebSocket transports: JSON messages, one per line
// (socket) or frame (WebSocket). Requests carry an id; replies echo it; events carry none.
import { z } from 'zod';
import type { ClaveApi, EventName } from './api';
import { createEventListeners } from './event-listeners';
import { Problem } from './session';

export const WireRequest = z.object({
  id: z.number().int(),
  method: z.string(),
  params: z.unknown(),
});

export const WireMessage = z.union([
  z.object({ id: z.number().int(), result: z.unknown() }),
  z.object({ id: z.number().int(), error: Problem }),
  z.object({ event: z.string(), payload: z.unknown() }),
]);
export type WireMessage = z.infer<typeof WireMessage>;

/** An API error as a face receives it: the host's Problem, kept whole for display. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super([problem.what, problem.why, problem.fix].filter(Boolean).join(' — '));
    this.name = 'ApiError';
  }
}

export interface RpcClient {
  api: ClaveApi;
  /** Feed one received message (a line or a frame). */
  receive(text: string): void;
  /** The connection is gone: fail every pending call. */
  close(reason: string): void;
}

export function createRpcClient(send: (text: string) => void): RpcClient {
  let nextId = 1;
  let closed: string | null = null;
  const pending = new Map<number, { resolve: (v: never) => void; reject: (e: Error) => void }>();
  const listeners = createEventListeners();

  const api: ClaveApi = {
    call(method, params) {
      if (closed)
        return Promise.reject(new ApiError({ what: 'Not connected to Clave', why: closed }));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: never) => void, reject });
        send(JSON.stringify({ id, method, params }));
      });
    },
    on: listeners.on,
  };

  return {
    api,
    receive(text) {
      const parsed = WireMessage.safeParse(JSON.parse(text));
      if (!parsed.success) return;
      const msg = parsed.data;
      if ('event' in msg) {
        listeners.emit(msg.event as EventName, msg.payload as never);
        return;
      }
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if ('error' in msg) p.reject(new ApiError(msg.error));
      else p.resolve(msg.result as never);
    },
    close(reason) {
      closed = reason;
      for (const p of pending.values())
        p.reject(new ApiError({ what: 'Connection to Clave lost', why: reason }));
      pending.clear();
    },
  };
}
