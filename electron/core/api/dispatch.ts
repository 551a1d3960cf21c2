// One dispatcher behind every transport (Electron IPC, WebSocket, the CLI socket):
// validate the request against the shared schemas, call the handler, validate the result.
import {
  Request,
  methods,
  parseParams,
  type EventName,
  type EventPayload,
  type MethodName,
  type Params,
  type Result,
} from '../../../shared/api';

/** One connected face. Events meant for it alone (its terminals' output) go through `send`. */
export interface Client {
  readonly id: string;
  send<E extends EventName>(event: E, payload: EventPayload<E>): void;
  /** Called once when the face goes away (socket closed, window destroyed). */
  onClose(listener: () => void): void;
}

export type ApiHandlers = {
  [M in MethodName]: (params: Params<M>, client: Client) => Promise<Result<M>> | Result<M>;
};

export class ApiRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

export type Dispatch = (request: unknown, client: Client) => Promise<unknown>;

export function createDispatcher(handlers: ApiHandlers): Dispatch {
  return async function dispatch(raw, client) {
    const request = Request.safeParse(raw);
    if (!request.success) {
      throw new ApiRequestError(
        `Malformed request: ${request.error.issues[0]?.message ?? 'invalid'}`,
      );
    }
    const method = request.data.method as MethodName;
    let params: unknown;
    try {
      params = parseParams(method, request.data.params ?? {});
    } catch (e) {
      const issue = (e as { issues?: { path: PropertyKey[]; message: string }[] }).issues?.[0];
      const where = issue?.path.length ? ` (${issue.path.join('.')}: ${issue.message})` : '';
      throw new ApiRequestError(`Invalid parameters for ${method}${where}`);
    }
    const handler = handlers[method] as (p: unknown, c: Client) => unknown;
    const result = await handler(params, client);
    return methods[method].result.parse(result);
  };
}
