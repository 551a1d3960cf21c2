// The SessionHost owns every live session of this machine: it starts them (the pipelines), stops
// them (teardown and the keep / merge / discard decision), and re-attaches to sessions that
// outlived a previous host. Faces (app, CLI, browser) reach it through the API.
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import type { StopResult, CleanupReport, EventPayload, ExitInfo } from '../../../shared/api';
import type {
  OnExit,
  PipelineEvent,
  Problem,
  SessionBackend,
  SessionSummary,
} from '../../../shared/session';
import type { Client } from '../api/dispatch';
import type { Settings } from '../config/settings';
import { toSummary, type SessionRecord } from '../store/sessions-repository';
import { SessionChanges, type ChangeTarget } from './changes/session-changes';
import { ChangesWatchers } from './changes/watchers';
import type { SpoolCounters } from './attention/spool-follower';
import { cleanup } from './cleanup/cleanup';
import { reconcile, type Reconciled } from './cleanup/reconcile';
import type { SessionContext } from './context';
import { createContext } from './create-context';
import type { SessionDeps } from './deps';
import { chosenExit, type SquashOptions } from './exit-decision';
import { tcpProbeCommand } from './guest/tcp-probe';
import { newSessionId } from './naming';
import { openTerminal, type TerminalRequest } from './open-terminal';
import { PipelineFailure, runPipeline, type PipelineListener } from './pipeline';
import {
  preflightSteps,
  reattachSteps,
  resumePreflightSteps,
  resumeSessionSteps,
  sessionSteps,
} from './pipelines';
import { StepAbort, toProblem } from './problem';
import { NO_AGENT, SessionRecords } from './records';
import { Conversations } from './conversations';
import type { StandbyPool } from './pool/standby-pool';
import { Standbys } from './pool/standbys';
import type { StandbyFacts } from '../store/standby-facts';
import { teardown } from './teardown';
import { Terminals } from './terminals';
import type { Live } from './live-session';
import { backendFor } from './steps/choose-backend';
import { CopySync } from './sync';
import { vmLost } from './vm-lost';
import { watchRunning } from './watch-running';

export interface HostEvents {
  'session.updated': [SessionSummary];
  'session.progress': [{ sessionId: string; event: PipelineEvent }];
  'session.agentExited': [{ sessionId: string }];
  'session.attention': [EventPayload<'session.attention'>];
}

export class UnknownSessionError extends StepAbort {
  constructor(id: string) {
    super({ what: `No session ${id}`, fix: 'See the running sessions with `clave sessions`.' });
  }
}

export class SessionHost extends EventEmitter<HostEvents> {
  private readonly live = new Map<string, Live>();
  readonly terminals = new Terminals();
  private readonly records: SessionRecords;
  /** The sessions' work against their base: the changes view, `clave diff`, ExitInfo. */
  readonly changes: SessionChanges;
  /** Live watches of session copies, for the faces that asked (changes.watch). */
  readonly changeWatchers: ChangesWatchers;
  private readonly conversations: Conversations;
  /** Warm start: standby sessions prepared ahead (hidden from faces), claimed by `start`. */
  private readonly standbys: Standbys;
  readonly pool: StandbyPool;
  /** The VM's work into the copy, where code travels by git (Orchard). */
  readonly sync = new CopySync((id) => this.live.get(id)?.ctx ?? null);

  constructor(
    private readonly deps: SessionDeps,
    /** The settings now; each session takes a snapshot at its start and keeps it. */
    private readonly settings: () => Settings,
  ) {
    super();
    this.records = new SessionRecords(deps, (s) => this.emit('session.updated', s));
    this.standbys = new Standbys(
      {
        launch: (id, projectDir, standby) => {
          const live = this.track({ id, projectDir, onExit: null, standby, backend: 'tart' });
          live.started = this.runPipelines(live);
          return live;
        },
        live: (id) => this.live.get(id),
        runClaim: (ctx, steps) =>
          runPipeline('claim', steps, ctx, this.progressOf(ctx), ctx.signal),
        discard: (id) => this.stop(id, 'discard'),
        publish: (id) => this.records.publish(id),
        vmCount: () => [...this.live.values()].filter((l) => l.ctx.state.backend === 'tart').length,
      },
      deps,
      settings,
    );
    this.pool = this.standbys.pool;
    this.conversations = new Conversations(deps, (id) => this.records.publish(id));
    this.changes = new SessionChanges(
      deps.git,
      (id) => this.changeTarget(id),
      (id) => this.sync.fresh(id),
    );
    this.changeWatchers = new ChangesWatchers((id) => {
      const dir = this.changeTarget(id).worktreeDir;
      if (dir && existsSync(dir)) return dir;
      throw new StepAbort({
        what: `Session ${id} has no copy to watch`,
        why: 'Its copy is not made yet, or it was removed.',
        fix: 'Watch again once the session runs.',
      });
    });
  }

  /** Events of a standby stay in the host: faces hear of it once it is claimed. */
  override emit<K extends keyof HostEvents>(event: K, ...args: HostEvents[K]): boolean {
    const p = args[0] as { id?: string; sessionId?: string };
    if (this.standbys.hides(p.sessionId ?? p.id ?? '')) return false;
    const emit = super.emit as (e: K, ...a: HostEvents[K]) => boolean;
    return emit.call(this, event, ...args);
  }

  private changeTarget(id: string): ChangeTarget {
    const r = this.deps.sessions.get(id);
    if (!r) throw new UnknownSessionError(id);
    return r;
  }

  /** Saved sessions, and those still in preflight (not saved yet). */
  list(): SessionSummary[] {
    const saved = this.deps.sessions
      .list()
      .filter((r) => !r.standby && !this.standbys.hides(r.id))
      .map(toSummary);
    const ids = new Set(saved.map((s) => s.id));
    const unsaved = [...this.live.values()]
      .filter((l) => !ids.has(l.ctx.id) && !l.failedTeardown && !this.standbys.hides(l.ctx.id))
      .map((l) => this.records.summaryOf(l.ctx));
    return [...saved, ...unsaved];
  }

  get(id: string): SessionSummary {
    if (this.standbys.hides(id)) throw new UnknownSessionError(id); // a standby, until claimed
    const r = this.deps.sessions.get(id);
    if (r) return toSummary(r);
    const live = this.live.get(id);
    if (live) return this.records.summaryOf(live.ctx);
    throw new UnknownSessionError(id);
  }

  /**
   * Starts a session — the project's standby when one is ready (warm), else a new one (cold);
   * with `wait`, resolves once it runs (or rejects with the failing step).
   */
  async start(input: {
    projectDir: string;
    onExit?: OnExit;
    wait?: boolean;
    backend?: SessionBackend;
  }): Promise<SessionSummary> {
    // Standbys are Tart VMs (a warm pool needs this Mac's shares): only a Tart session takes one.
    const tart = (await this.backendOf(input.projectDir, input.backend)) === 'tart';
    const warm = tart ? await this.standbys.claim(input.projectDir, input.onExit ?? null) : null;
    if (warm) return toSummary(warm);
    if (tart) await this.pool.makeRoom();
    const id = newSessionId();
    const live = this.track({
      id,
      projectDir: input.projectDir,
      onExit: input.onExit ?? null,
      backend: input.backend,
    });
    live.started = this.runPipelines(live);
    // Once it runs, the pool prepares this project's next (Tart) session.
    live.started
      .then(() => live.ctx.state.backend === 'tart' && this.pool.started(live.ctx.projectDir))
      .catch(() => {});
    if (input.wait) {
      await live.started;
      return this.get(id);
    }
    live.started.catch(() => {});
    return this.records.summaryOf(live.ctx);
  }

  /** Where a start would run: decided as ChooseBackend does; a folder it cannot read: Tart. */
  private async backendOf(dir: string, requested?: SessionBackend): Promise<SessionBackend> {
    const root = await this.deps.git.root(dir).catch(() => dir);
    return backendFor(requested ?? null, root, this.settings());
  }

  private async runPipelines(live: Live, resumed = false): Promise<void> {
    const { ctx } = live;
    // The caller gets the new id before the first progress event, so it can follow its own.
    await new Promise((resolve) => setImmediate(resolve));
    const emit = this.progressOf(ctx);
    try {
      const [preflight, session] = resumed
        ? [resumePreflightSteps, resumeSessionSteps]
        : [preflightSteps, sessionSteps];
      await runPipeline('preflight', preflight, ctx, emit, ctx.signal);
      await runPipeline('session', session, ctx, emit, ctx.signal);
      this.deps.sessions.transition(ctx.id, 'running');
      this.records.publish(ctx.id);
      this.watch(live);
    } catch (error) {
      const problem = error instanceof PipelineFailure ? error.problem : toProblem(error);
      await this.failAndTearDown(live, problem, resumed);
      throw error instanceof PipelineFailure ? new StepAbort(problem) : error;
    }
  }

  private progressOf(ctx: SessionContext): PipelineListener {
    return (event) => {
      if (event.type === 'step-warning') ctx.warn(event.problem);
      this.emit('session.progress', { sessionId: ctx.id, event });
    };
  }

  /**
   * A failed start leaves nothing behind: the copy goes too unless it somehow holds work. A failed
   * resume leaves the session as it was: kept, with its copy and saved conversation.
   */
  private async failAndTearDown(live: Live, problem: Problem, resumed: boolean): Promise<void> {
    const { ctx } = live;
    const saved = this.records.fail(ctx, problem);
    const result = await teardown(ctx, {
      decision: resumed ? 'keep' : 'discard',
      closeChannels: () => this.terminals.closeSession(ctx.id),
    });
    live.failedTeardown = result;
    this.live.delete(ctx.id);
    await this.records.finishFailed(ctx, result, problem, saved);
    await this.settleConversation(ctx.id);
  }

  /**
   * Resumes a kept session: a fresh VM on its copy through the session pipeline, and its agent
   * back in the saved conversation. A second call while it starts gets the same session.
   */
  async resume(input: { id: string; wait?: boolean }): Promise<SessionSummary> {
    const { id } = input;
    // A resume makes a VM too: standbys give way first (before the check, which stays atomic).
    if (!this.live.has(id)) await this.pool.makeRoom();
    let live = this.live.get(id);
    if (!live) {
      const r = this.deps.sessions.get(id);
      if (!r) throw new UnknownSessionError(id);
      if (r.state !== 'kept') {
        throw new StepAbort({
          what: `Session ${id} is ${r.state}, not kept`,
          why: 'Only a kept session (its VM gone, its copy left) can be resumed.',
          fix:
            r.state === 'running'
              ? `It runs already: clave attach ${id}`
              : 'See `clave sessions` for the kept ones.',
        });
      }
      const again = this.deps.sessions.transition(id, 'starting', {
        error: null,
        endedAt: null,
        warnings: [],
        diskBytes: null,
        agent: NO_AGENT.agent,
        hasUnmergedWork: NO_AGENT.hasUnmergedWork,
      });
      const adopted = this.track({
        id,
        projectDir: r.projectDir,
        onExit: r.onExit,
        record: again,
        resumed: true,
        backend: r.backend,
      });
      adopted.started = this.runPipelines(adopted, true);
      adopted.started.catch(() => {});
      this.records.publish(id);
      live = adopted;
    }
    if (live.stopping) {
      throw new StepAbort({
        what: `Session ${id} is being stopped`,
        why: 'Its keep, merge or discard is still under way.',
        fix: `Wait until it is done (clave sessions), then resume it if it is kept.`,
      });
    }
    if (input.wait) await live.started;
    return this.get(id);
  }

  /**
   * Saves the agent's conversation from the session's VM into the data dir (a kept session
   * resumes it). Teardown calls it before the VM stops; the host may after each agent turn.
   */
  async saveConversation(id: string): Promise<void> {
    const ssh = this.live.get(id)?.ctx.live.ssh;
    if (ssh && !ssh.closed) await this.conversations.save(id, ssh);
  }

  /** After a session settled: its saved conversation goes with its record; a kept copy is measured. */
  private async settleConversation(id: string): Promise<void> {
    await this.conversations.forget(id).catch(() => {});
    this.conversations.measure(id);
  }

  /**
   * Whether host:port answers from inside a running session's VM (the doctor's view of Herd's
   * services as a VM sees them); null when no session runs.
   */
  async reachableFromVm(host: string, port: number): Promise<boolean | null> {
    for (const l of this.live.values()) {
      const ssh = l.ctx.live.ssh;
      if (!ssh || this.deps.sessions.get(l.ctx.id)?.state !== 'running') continue;
      const r = await ssh.exec(tcpProbeCommand(host, port), { timeoutMs: 10_000 });
      return r.code === 0;
    }
    return null;
  }

  /** The exit dialog's facts, after the VM's work came back (code by git). */
  async exitInfo(id: string): Promise<ExitInfo> {
    await this.sync.quietly(id);
    return this.changes.exitInfo(id);
  }

  /** `clave sync`: the VM's work into the copy now; a shared copy is in sync already. */
  syncNow(id: string): Promise<{ syncedAt: string }> {
    const r = this.deps.sessions.get(id);
    if (!r && !this.live.has(id)) throw new UnknownSessionError(id);
    return this.sync.onDemand(id, r);
  }

  /** Ends a session: teardown in the seed's order, then the keep / merge / discard decision. */
  async stop(
    id: string,
    onExit?: OnExit,
    force = false,
    merge: SquashOptions = {},
  ): Promise<StopResult> {
    let live = this.live.get(id);
    if (!live) {
      const r = this.deps.sessions.get(id);
      if (!r) throw new UnknownSessionError(id);
      live = this.adopt(r);
    }
    if (live.stopping) return live.stopping;
    const current = live;
    current.stopping = (async () => {
      const { ctx } = current;
      current.abort.abort();
      await current.started.catch(() => {});
      if (current.failedTeardown) return current.failedTeardown; // the failed start tore down
      const r = this.deps.sessions.get(id);
      // An earlier stop merged or discarded the copy, then failed on the rest (its VM): this one
      // finishes that stop — the work went as decided then, whatever is asked now.
      const earlier = r?.state === 'stopping' ? r.onExit : null;
      const copyDone =
        (earlier === 'merge' || earlier === 'discard') &&
        !(r?.worktreeDir && existsSync(r.worktreeDir));
      const decision = copyDone ? earlier : chosenExit(onExit, ctx);
      if (r && r.state !== 'stopping')
        this.deps.sessions.transition(id, 'stopping', { onExit: decision });
      this.records.publish(id);
      // Before the VM stops: the copy may stay (kept, or a refused merge), and so must the talk.
      await this.saveConversation(id).catch((e: unknown) => ctx.warn(toProblem(e)));
      const result = await teardown(ctx, {
        decision,
        force,
        merge,
        copyDone,
        closeChannels: () => this.terminals.closeSession(id),
      });
      this.live.delete(id);
      if (result.outcome !== 'kept') this.changeWatchers.closeSession(id);
      // A refused discard or merge keeps the copy: the record stays, kept, with the reason.
      if (result.teardownProblems.length === 0 && result.outcome !== 'kept')
        this.deps.sessions.transition(id, 'ended');
      this.sync.forget(id);
      await this.records.finish(ctx, result, current.lost ?? null);
      await this.settleConversation(id);
      // The room it took is free: the pool may use it (a standby's own end refills nothing).
      this.standbys.stopped(id);
      return result;
    })();
    return current.stopping;
  }

  /** Opens a terminal for a face: the agent's tmux, a new shell, or a command in /srv/project. */
  async openTerminal(client: Client, p: TerminalRequest): Promise<string> {
    const live = this.live.get(p.sessionId);
    if (!live) throw new UnknownSessionError(p.sessionId);
    const running = this.deps.sessions.get(p.sessionId)?.state === 'running';
    return openTerminal(this.terminals, client, running ? live.ctx.live.ssh : null, live, p);
  }

  /** A running session: watch its agent, follow its hooks, and keep its connection. */
  private watch(live: Live): void {
    const { ctx } = live;
    watchRunning(live, {
      sessions: this.deps.sessions,
      updated: (summary) => this.emit('session.updated', summary),
      attention: (e) => this.emit('session.attention', e),
      agentExited: () => this.emit('session.agentExited', { sessionId: ctx.id }),
      // A turn ended: the conversation and the VM's work are saved now, so a VM lost later
      // still resumes from here and loses nothing before it.
      turnEnded: () => {
        void this.saveConversation(ctx.id).catch(() => {});
        void this.sync.quietly(ctx.id);
      },
      notice: (text) => this.terminals.notice(ctx.id, text),
      vmGone: (why) => vmLost(live, why, () => void this.stop(ctx.id, 'keep').catch(() => {})),
      isStopping: () => Boolean(live.stopping) || this.live.get(ctx.id) !== live,
    });
  }

  /** A face showed the session to the person: its unread mark goes. */
  markSeen(id: string): void {
    const r = this.deps.sessions.get(id);
    if (!r) {
      if (this.live.has(id)) return; // not saved yet: nothing to be unread
      throw new UnknownSessionError(id);
    }
    if (!r.unread) return;
    this.deps.sessions.update(id, { unread: false });
    this.records.publish(id);
  }

  /** What following a session's hook spool saw (for the log and tests); null when not followed. */
  spoolCounters(id: string): SpoolCounters | null {
    return this.live.get(id)?.attention?.counters() ?? null;
  }

  /** Sessions this host did not start (a previous host crashed): re-attach or tear down. */
  async reconcile(): Promise<Reconciled> {
    const done = await reconcile(this.deps, this);
    for (const r of this.deps.sessions.list(['kept'])) this.conversations.measure(r.id);
    return done;
  }

  isLive(id: string): boolean {
    return this.live.has(id);
  }

  /** Re-attaches to a session a previous host left running: ssh, tunnel and proxy made again. */
  async reattach(r: SessionRecord): Promise<void> {
    const live = this.adopt(r);
    const { ctx } = live;
    // Not shown as progress (the session runs already); a warning goes on its record.
    const warn: PipelineListener = (e) => {
      if (e.type === 'step-warning') ctx.warn(e.problem);
    };
    try {
      await runPipeline('reattach', reattachSteps, ctx, warn, ctx.signal);
    } catch (error) {
      throw error instanceof PipelineFailure ? new StepAbort(error.problem) : error;
    }
    this.records.publish(r.id);
    this.watch(live);
  }

  /** A record this process holds no live state for, as a context teardown can work from. */
  private adopt(r: SessionRecord): Live {
    return this.track({ id: r.id, projectDir: r.projectDir, onExit: r.onExit, record: r });
  }

  /** A session this host now holds live: a saved `record` is adopted (or resumed), else new. */
  private track({
    id,
    projectDir,
    onExit,
    record,
    resumed = false,
    standby,
    backend,
  }: {
    id: string;
    projectDir: string;
    onExit: OnExit | null;
    record?: SessionRecord;
    resumed?: boolean;
    standby?: StandbyFacts;
    backend?: SessionBackend | undefined;
  }): Live {
    if (record) this.standbys.adopt(record);
    const abort = new AbortController();
    const ctx = createContext(this.deps, {
      id,
      projectDir,
      onExit,
      signal: abort.signal,
      settings: this.settings(),
      publish: (sid) => this.records.publish(sid),
      ...(record ? { record, resumed } : {}),
      ...(standby ? { standby } : {}),
      ...(backend ? { backend } : {}),
    });
    const live: Live = { ctx, abort, started: Promise.resolve(), stopping: null };
    this.live.set(id, live);
    return live;
  }

  async cleanup(dryRun: boolean): Promise<CleanupReport> {
    // Standbys are this host's own, so the ledger pass would skip them: they go first.
    const standbys = this.pool.status().standbys.map((s) => s.projectDir);
    if (!dryRun) await this.pool.drain();
    const report = { ...(await cleanup(this.deps, this, dryRun)), standbys };
    // Saved conversations live in Clave's own data dir (no ledger needed): those of sessions
    // without a record go.
    if (!dryRun) await this.conversations.sweep();
    return report;
  }

  /** Quit: tear every session down, keeping all work; standbys go with their pristine copies. */
  async shutdown(): Promise<void> {
    this.changeWatchers.closeAll();
    const standbys = this.pool.close();
    // A standby the pool no longer holds (one being claimed right now) is still hidden: it goes.
    await Promise.all(
      [...this.live.keys()].map((id) =>
        this.stop(id, this.standbys.hides(id) ? 'discard' : 'keep').catch(() => {}),
      ),
    );
    await standbys;
  }
}
