// A ClaveApi for shell tests: answers from handlers the test sets, records calls, pushes events.
import type {
  ClaveApi,
  EventName,
  EventPayload,
  MethodName,
  Params,
  Result,
} from '../../../shared/api';
import { ApiError } from '../../../shared/protocol';
import type { Problem, SessionSummary } from '../../../shared/session';

type Handler<M extends MethodName> = (params: Params<M>) => Result<M> | Promise<Result<M>>;

export interface FakeApi extends ClaveApi {
  handle<M extends MethodName>(method: M, handler: Handler<M>): void;
  fail(method: MethodName, problem: Problem): void;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  callsOf<M extends MethodName>(method: M): Params<M>[];
}

export function createFakeApi(): FakeApi {
  const handlers = new Map<MethodName, (p: unknown) => unknown>();
  const listeners = new Map<EventName, Set<(p: never) => void>>();
  const calls: { method: MethodName; params: unknown }[] = [];
  return {
    async call(method, params) {
      calls.push({ method, params });
      const h = handlers.get(method);
      if (!h) throw new ApiError({ what: `no fake handler for ${method}` });
      return (await h(params)) as never;
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (p: never) => void);
      return () => void set.delete(listener as (p: never) => void);
    },
    handle(method, handler) {
      handlers.set(method, handler as (p: unknown) => unknown);
    },
    fail(method, problem) {
      handlers.set(method, () => {
        throw new ApiError(problem);
      });
    },
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) l(payload as never);
    },
    callsOf<M extends MethodName>(method: M) {
      return calls.filter((c) => c.method === method).map((c) => c.params as Params<M>);
    },
  };
}

export function summary(patch: Partial<SessionSummary> = {}): SessionSummary {
  const id = patch.id ?? 'a1b2c3d4';
  return {
    id,
    projectDir: '/Users/me/Code/shop',
    projectName: 'shop',
    state: 'running',
    baseBranch: 'main',
    branch: `clave/s-${id}`,
    worktreeDir: `/Users/me/Code/shop/.clave/wt/s-${id}`,
    vmName: `clave-${id}`,
    vmIp: '192.168.64.3',
    tunnelPort: 8081,
    proxyName: `shop-${id}`,
    url: `https://shop-${id}.test`,
    urlNote: null,
    warnings: [],
    error: null,
    startedAt: '2026-11-25T10:00:00.000Z',
    endedAt: null,
    ...patch,
  };
}
