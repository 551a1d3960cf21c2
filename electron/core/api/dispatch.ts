// One dispatcher behind every transport (Electron IPC, WebSocket, the CLI socket):
// validate the request against the shared schemas, call the handler, validate the result.
import {
  Request,
  methods,
  parseParams,
  type MethodName,
  type Params,
  type Result,
} from '../../../shared/api';

export type ApiHandlers = {
  [M in MethodName]: (params: Params<M>) => Promise<Result<M>> | Result<M>;
};

export class ApiRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

export function createDispatcher(handlers: ApiHandlers) {
  return async function dispatch(raw: unknown): Promise<unknown> {
    const request = Request.safeParse(raw);
    if (!request.success) {
      throw new ApiRequestError(
        `Malformed request: ${request.error.issues[0]?.message ?? 'invalid'}`,
      );
    }
    const method = request.data.method as MethodName;
    let params: Params<typeof method>;
    try {
      params = parseParams(method, request.data.params ?? {});
    } catch {
      throw new ApiRequestError(`Invalid parameters for ${method}`);
    }
    const result = await handlers[method](params);
    return methods[method].result.parse(result);
  };
}
