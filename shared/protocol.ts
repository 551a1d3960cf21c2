// The wire protocol shared by the socket and WebSocket transports: JSON messages, one per line
// (socket) or frame (WebSocket). Requests carry an id; replies echo it; events carry none. A
// message from the host may carry bytes (wire.ts says how each transport frames them).
import { z } from 'zod';
import { events, type ClaveApi, type EventName } from './api';
import { createEventListeners } from './event-listeners';
import { Problem } from './session';
import { decodeFrame } from './wire';

/**
 * The largest message either transport takes from a face (one socket line, one WebSocket frame).
 * The largest legitimate one is a terminal.write or an exec command of MAX_TERMINAL_CHARS: at most
 * 6 bytes a character as JSON (`\u001b`), 1.5 MiB, plus the envelope; the rest is margin.
 */
export const MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

export const WireRequest = z.object({
  id: z.number().int(),
  method: z.string(),
  params: z.unknown(),
});
export type WireRequest = z.infer<typeof WireRequest>;

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
  /** Feed one received message (a line, a text frame or a binary frame). */
  receive(data: string | ArrayBuffer | Uint8Array): void;
  /** The connection is gone: fail every pending call and every waiter. */
  close(reason: string): void;
  /**
   * Settles as `work` does, or fails with the connection-lost Problem once the connection closes
   * first: a face waiting on events (progress, a terminal's exit) must not take the host's death
   * for an answer, nor wait for ever.
   */
  untilClosed<T>(work: Promise<T>): Promise<T>;
}

export interface RpcClientOptions {
  /** What the person should do when the connection drops before an answer (face-specific). */
  lostFix?: string;
}

export function createRpcClient(
  send: (text: string) => void,
  options: RpcClientOptions = {},
): RpcClient {
  let nextId = 1;
  let lost: ApiError | null = null;
  const pending = new Map<number, { resolve: (v: never) => void; reject: (e: Error) => void }>();
  const waiters = new Set<(e: ApiError) => void>();
  const listeners = createEventListeners();

  const api: ClaveApi = {
    call(method, params) {
      if (lost) return Promise.reject(lost);
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
    receive(data) {
      let json: unknown;
      try {
        json = decodeFrame(data);
      } catch {
        return;
      }
      const parsed = WireMessage.safeParse(json);
      if (!parsed.success) return;
      const msg = parsed.data;
      if ('event' in msg) {
        // An own-property check: a name like `__proto__` or `toString` is no event.
        if (Object.hasOwn(events, msg.event))
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
      if (lost) return;
      lost = new ApiError({
        what: 'Connection to Clave lost',
        why: reason,
        ...(options.lostFix ? { fix: options.lostFix } : {}),
      });
      for (const p of pending.values()) p.reject(lost);
      pending.clear();
      for (const w of waiters) w(lost);
      waiters.clear();
    },
    untilClosed(work) {
      if (lost) return Promise.reject(lost);
      let fail: (e: ApiError) => void = () => {};
      const closed = new Promise<never>((_, reject) => (fail = reject));
      waiters.add(fail);
      return Promise.race([work, closed]).finally(() => waiters.delete(fail));
    },
  };
}
