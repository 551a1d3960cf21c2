// A ClaveApi for tests of any face: answers calls from handlers the test sets (or defaults),
// records them, fails them with a host Problem on request, and pushes events as the host would.
import type {
  ClaveApi,
  EventName,
  EventPayload,
  ExitInfo,
  OrchardStatus,
  MethodName,
  Params,
  Result,
} from '../api';
import { createEventListeners } from '../event-listeners';
import { ApiError } from '../protocol';
import type { Problem, SessionSummary } from '../session';

type Handler<M extends MethodName> = (params: Params<M>) => Result<M> | Promise<Result<M>>;
export type FakeDefaults = Partial<Record<MethodName, (params: never) => unknown>>;

export interface FakeApi extends ClaveApi {
  calls: { method: MethodName; params: unknown }[];
  handle<M extends MethodName>(method: M, handler: Handler<M>): void;
  fail(method: MethodName, problem: Problem): void;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  callsOf<M extends MethodName>(method: M): Params<M>[];
}

export function createFakeApi(defaults: FakeDefaults = {}): FakeApi {
  const handlers = new Map<MethodName, (p: unknown) => unknown>();
  const listeners = createEventListeners();
  const calls: FakeApi['calls'] = [];
  return {
    calls,
    async call(method, params) {
      calls.push({ method, params });
      const h = handlers.get(method) ?? (defaults[method] as ((p: unknown) => unknown) | undefined);
      if (!h) throw new ApiError({ what: `no fake handler for ${method}` });
      return (await h(params)) as never;
    },
    on: listeners.on,
    handle(method, handler) {
      handlers.set(method, handler as (p: unknown) => unknown);
    },
    fail(method, problem) {
      handlers.set(method, () => {
        throw new ApiError(problem);
      });
    },
    emit: listeners.emit,
    callsOf<M extends MethodName>(method: M) {
      return calls.filter((c) => c.method === method).map((c) => c.params as Params<M>);
    },
  };
}

/** A running session of `project`, as the host would describe it. */
export function summary(patch: Partial<SessionSummary> = {}, project = 'my-app'): SessionSummary {
  const id = patch.id ?? 'a1b2c3d4';
  return {
    id,
    projectDir: `/Users/me/Code/${project}`,
    projectName: project,
    state: 'running',
    baseBranch: 'main',
    branch: `clave/s-${id}`,
    worktreeDir: `/Users/me/Code/${project}/.clave/wt/s-${id}`,
    vmName: `clave-${id}`,
    vmIp: '192.168.64.3',
    tunnelPort: 8081,
    proxyName: `${project}-${id}`,
    url: `https://${project}-${id}.test`,
    urlNote: null,
    warnings: [],
    error: null,
    startedAt: new Date(Date.now() - 65_000).toISOString(),
    endedAt: null,
    hasUnmergedWork: null,
    agent: { state: 'working', since: new Date(Date.now() - 5_000).toISOString(), detail: null },
    claudeSessionId: null,
    unread: false,
    mcpTunnels: [],
    diskBytes: null,
    transcriptBytes: null,
    warm: false,
    backend: 'tart',
    worker: null,
    syncedAt: null,
    services: 'host',
    ...patch,
  };
}

/** What the exit dialog learns about a session with no work in it, plus `patch`. */
export function exitInfo(patch: Partial<ExitInfo> = {}): ExitInfo {
  return {
    branch: 'clave/s-a1b2c3d4',
    baseBranch: 'main',
    uncommittedFiles: [],
    commitsAhead: 0,
    filesChanged: 0,
    additions: 0,
    deletions: 0,
    baseMoved: false,
    commits: [],
    ...patch,
  };
}

/** Orchard as the host describes it when nothing is set up, plus `patch`. */
export function orchardStatus(patch: Partial<OrchardStatus> = {}): OrchardStatus {
  return {
    configured: false,
    url: null,
    serviceAccount: null,
    source: 'none',
    reachable: null,
    problem: null,
    ...patch,
  };
}
