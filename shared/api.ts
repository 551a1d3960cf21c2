// The one definition of Clave's API: every request method and pushed event, as zod schemas.
// Transports (Electron IPC, WebSocket, the CLI's local socket) only move these messages;
// receivers validate with the same schemas, so no face can send the host something malformed.
import { z } from 'zod';

export const AppInfo = z.object({
  name: z.literal('Clave'),
  version: z.string(),
  platform: z.string(),
  face: z.enum(['electron', 'web', 'cli']),
});
export type AppInfo = z.infer<typeof AppInfo>;

const NoParams = z.object({}).strict();

export const methods = {
  'app.info': { params: NoParams, result: AppInfo },
} as const;

export const events = {
  'app.notice': z.object({ level: z.enum(['info', 'warn', 'error']), message: z.string() }),
} as const;

export type MethodName = keyof typeof methods;
export type Params<M extends MethodName> = z.input<(typeof methods)[M]['params']>;
export type Result<M extends MethodName> = z.output<(typeof methods)[M]['result']>;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

/** What every face sees: the renderer as window.clave, the CLI and tests through a socket. */
export interface ClaveApi {
  call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** A request as it crosses a transport; validated on arrival before dispatch. */
export const Request = z.object({
  method: z.string().refine((m): m is MethodName => m in methods, 'unknown method'),
  params: z.unknown(),
});

export function parseParams<M extends MethodName>(method: M, params: unknown): Params<M> {
  return methods[method].params.parse(params) as Params<M>;
}
