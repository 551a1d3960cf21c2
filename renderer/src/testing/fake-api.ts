// An in-page ClaveApi for component tests: answers calls from handlers the test sets, records
// them, and lets the test push events as the host would.
import type {
  ClaveApi,
  EventName,
  EventPayload,
  MethodName,
  Params,
  Result,
} from '../../../shared/api';
import type { SessionSummary } from '../../../shared/session';

type Handler<M extends MethodName> = (params: Params<M>) => Result<M> | Promise<Result<M>>;

export interface FakeApi extends ClaveApi {
  calls: { method: MethodName; params: unknown }[];
  handle<M extends MethodName>(method: M, handler: Handler<M>): void;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  callsOf<M extends MethodName>(method: M): Params<M>[];
}

export function createFakeApi(): FakeApi {
  const handlers = new Map<MethodName, (p: unknown) => unknown>();
  const listeners = new Map<EventName, Set<(p: never) => void>>();
  const calls: FakeApi['calls'] = [];
  const defaults: Partial<Record<MethodName, (p: never) => unknown>> = {
    'app.info': () => ({ name: 'Clave', version: '9.9.9', platform: 'linux', face: 'web' }),
    'sessions.list': () => [],
    'terminal.open': () => ({ terminalId: `term-${calls.length}` }),
    'terminal.write': () => null,
    'terminal.resize': () => null,
    'terminal.ack': () => null,
    'terminal.close': () => null,
  };
  return {
    calls,
    call(method, params) {
      calls.push({ method, params });
      const h = handlers.get(method) ?? defaults[method];
      if (!h) return Promise.reject(new Error(`no fake handler for ${method}`));
      try {
        return Promise.resolve(h(params as never) as never);
      } catch (e) {
        return Promise.reject(e);
      }
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
    projectDir: '/Users/me/Code/my-app',
    projectName: 'my-app',
    state: 'running',
    baseBranch: 'main',
    branch: `clave/s-${id}`,
    worktreeDir: `/Users/me/Code/my-app/.clave/wt/s-${id}`,
    vmName: `clave-${id}`,
    vmIp: '192.168.64.3',
    tunnelPort: 8081,
    proxyName: `my-app-${id}`,
    url: `https://my-app-${id}.test`,
    urlNote: null,
    warnings: [],
    error: null,
    startedAt: new Date(Date.now() - 65_000).toISOString(),
    endedAt: null,
    ...patch,
  };
}
