// The SessionHost owns every live session of this machine: it runs the pipelines, holds each
// session's VM process, ssh connection, tunnel and terminals, tears sessions down, and re-attaches
// to sessions that outlived a previous host. Faces (app, CLI, browser) reach it through the API.
import { EventEmitter } from 'node:events';
import type { StopResult, TerminalKind, CleanupReport, ExitInfo } from '../../../shared/api';
import type { OnExit, PipelineEvent, Problem, SessionSummary } from '../../../shared/session';
import type { Client } from '../api/dispatch';
import { loadProjectConfig } from '../config/project-config';
import type { Settings } from '../config/settings';
import { command, quote } from '../host/shell-quote';
import { channelExit } from '../host/ssh';
import { toSummary, type SessionRecord } from '../store/sessions-repository';
import { cleanup } from './cleanup/cleanup';
import { recordingDeps } from './cleanup/recording';
import { reconcile, type Reconciled } from './cleanup/reconcile';
import { repointed } from './cleanup/survey';
import type { SessionContext } from './context';
import type { SessionDeps } from './deps';
import { agentAliveCommand, attachTmuxCommand, PROJECT_DIR } from './guest/claude-config';
import { tcpProbeCommand } from './guest/tcp-probe';
import { newSessionId, projectSlug, sessionNames } from './naming';
import { PipelineFailure, runPipeline } from './pipeline';
import { preflightSteps, sessionSteps } from './pipelines';
import { ConnectionKeeper } from './reconnect';
import { StepAbort, toProblem } from './problem';
import { emptyResources } from './resources';
import { teardown } from './teardown';
import { Terminals } from './terminals';
import { hasUnmergedWork } from './unmerged-work';

export interface HostEvents {
  'session.updated': [SessionSummary];
  'session.progress': [{ sessionId: string; event: PipelineEvent }];
  'session.agentExited': [{ sessionId: string }];
}

interface Live {
  ctx: SessionContext;
  abort: AbortController;
  started: Promise<void>;
  stopping: Promise<StopResult> | null;
  agentExitNotified: boolean;
  /** How teardown went when the start failed (a stop during the start returns it). */
  failedTeardown?: StopResult;
  /** Re-makes the ssh connection when it drops while the session runs. */
  keeper?: ConnectionKeeper;
}

export class UnknownSessionError extends StepAbort {
  constructor(id: string) {
    super({ what: `No session ${id}`, fix: 'See the running sessions with `clave sessions`.' });
  }
}

export class SessionHost extends EventEmitter<HostEvents> {
  private readonly live = new Map<string, Live>();
  readonly terminals = new Terminals();

  constructor(
    private readonly deps: SessionDeps,
    /** The settings now; each session takes a snapshot at its start and keeps it. */
    private readonly settings: () => Settings,
  ) {
    super();
  }

  /** Saved sessions, and those still in preflight (not saved yet). */
  list(): SessionSummary[] {
    const saved = this.deps.sessions.list().map(toSummary);
    const ids = new Set(saved.map((s) => s.id));
    const unsaved = [...this.live.values()]
      .filter((l) => !ids.has(l.ctx.id) && !l.failedTeardown)
      .map((l) => this.summaryOf(l.ctx));
    return [...saved, ...unsaved];
  }

  get(id: string): SessionSummary {
    const r = this.deps.sessions.get(id);
    if (r) return toSummary(r);
    const live = this.live.get(id);
    if (live) return this.summaryOf(live.ctx);
    throw new UnknownSessionError(id);
  }

  /** Starts a session; with `wait`, resolves once it runs (or rejects with the failing step). */
  async start(input: {
    projectDir: string;
    onExit?: OnExit;
    wait?: boolean;
  }): Promise<SessionSummary> {
    const id = newSessionId();
    const live = this.track(id, input.projectDir, input.onExit ?? null);
    live.started = this.runPipelines(live);
    if (input.wait) {
      await live.started;
      return this.get(id);
    }
    live.started.catch(() => {});
    return this.summaryOf(live.ctx);
  }

  private async runPipelines(live: Live): Promise<void> {
    const { ctx } = live;
    // The caller gets the new id before the first progress event, so it can follow its own.
    await new Promise((resolve) => setImmediate(resolve));
    const emit = (event: PipelineEvent) => {
      if (event.type === 'step-warning') ctx.warn(event.problem);
      this.emit('session.progress', { sessionId: ctx.id, event });
    };
    try {
      await runPipeline('preflight', preflightSteps, ctx, emit, ctx.signal);
      await runPipeline('session', sessionSteps, ctx, emit, ctx.signal);
      this.deps.sessions.transition(ctx.id, 'running');
      this.publish(ctx.id);
      this.watchAgent(live);
      this.keepConnected(live);
    } catch (error) {
      const problem = error instanceof PipelineFailure ? error.problem : toProblem(error);
      await this.failAndTearDown(live, problem);
      throw error instanceof PipelineFailure ? new StepAbort(problem) : error;
    }
  }

  /** A failed start leaves nothing behind: the copy goes too unless it somehow holds work. */
  private async failAndTearDown(live: Live, problem: Problem): Promise<void> {
    const { ctx } = live;
    const saved = this.deps.sessions.get(ctx.id);
    if (saved && saved.state !== 'failed') {
      this.deps.sessions.transition(ctx.id, 'failed', { error: problem });
      this.publish(ctx.id);
    }
    const result = await teardown(ctx, {
      decision: 'discard',
      closeChannels: () => this.terminals.closeSession(ctx.id),
    });
    live.failedTeardown = result;
    this.live.delete(ctx.id);
    if (saved) await this.finishRecord(ctx, result, problem);
    // Failed before it was saved (preflight): the faces still hear how it ended.
    else this.emit('session.updated', { ...this.summaryOf(ctx), state: 'failed', error: problem });
  }

  private async finishRecord(
    ctx: SessionContext,
    result: StopResult,
    error: Problem | null,
  ): Promise<void> {
    if (
      result.teardownProblems.length === 0 &&
      result.outcome === 'kept' &&
      ctx.state.worktreeDir
    ) {
      await this.keepRecord(ctx, result.problem ?? error);
      return;
    }
    if (result.teardownProblems.length === 0) {
      this.deps.sessions.delete(ctx.id);
      this.emit('session.updated', {
        ...this.summaryOf(ctx),
        state: error ? 'failed' : 'ended',
        error,
        endedAt: new Date().toISOString(),
      });
      return;
    }
    // Something could not be removed: keep the record so cleanup can finish the job.
    const r = this.deps.sessions.get(ctx.id)!;
    const to = r.state === 'stopping' || r.state === 'failed' ? r.state : 'failed';
    if (to !== r.state) this.deps.sessions.transition(ctx.id, to);
    this.deps.sessions.update(ctx.id, { error: error ?? result.teardownProblems[0]! });
    this.publish(ctx.id);
  }

  /**
   * The VM is gone, the copy stays (kept by choice, or a discard refused to lose its work): the
   * record stays too, as `kept`, until the person merges or discards it.
   */
  private async keepRecord(ctx: SessionContext, problem: Problem | null): Promise<void> {
    const r = this.deps.sessions.get(ctx.id)!;
    const work = await hasUnmergedWork(this.deps.git, r).catch(() => true);
    this.deps.sessions.transition(ctx.id, 'kept', {
      hasUnmergedWork: work,
      error: problem,
      vmName: null,
      vmIp: null,
      vmPid: null,
      tunnelPort: null,
      proxyName: null,
      url: null,
      urlNote: null,
    });
    this.publish(ctx.id);
  }

  /**
   * Whether host:port answers from inside a running session's VM (the doctor's view of Herd's
   * services as a VM sees them); null when no session runs.
   */
  async reachableFromVm(host: string, port: number): Promise<boolean | null> {
    const running = [...this.live.values()].find(
      (l) => l.ctx.live.ssh && this.deps.sessions.get(l.ctx.id)?.state === 'running',
    );
    if (!running) return null;
    const r = await running.ctx.live.ssh!.exec(tcpProbeCommand(host, port), { timeoutMs: 10_000 });
    return r.code === 0;
  }

  async exitInfo(id: string): Promise<ExitInfo> {
    const r = this.deps.sessions.get(id);
    if (!r) throw new UnknownSessionError(id);
    if (!r.worktreeDir)
      return { branch: r.branch, baseBranch: r.baseBranch, uncommittedFiles: [], commitsAhead: 0 };
    const [changes, ahead] = await Promise.all([
      this.deps.git.status(r.worktreeDir).catch(() => []),
      r.baseCommit
        ? this.deps.git.commitsAhead(r.worktreeDir, r.baseCommit).catch(() => [])
        : Promise.resolve([]),
    ]);
    return {
      branch: r.branch,
      baseBranch: r.baseBranch,
      uncommittedFiles: changes.map((c) => c.path),
      commitsAhead: ahead.length,
    };
  }

  /** Ends a session: teardown in the seed's order, then the keep / merge / discard decision. */
  async stop(id: string, onExit?: OnExit, force = false): Promise<StopResult> {
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
      if (r && r.state !== 'stopping')
        this.deps.sessions.transition(id, 'stopping', { onExit: onExit ?? ctx.onExit ?? 'keep' });
      this.publish(id);
      const result = await teardown(ctx, {
        decision: onExit ?? ctx.onExit ?? 'keep',
        force,
        closeChannels: () => this.terminals.closeSession(id),
      });
      this.live.delete(id);
      // A refused discard or merge keeps the copy: the record stays, kept, with the reason.
      if (result.teardownProblems.length === 0 && result.outcome !== 'kept')
        this.deps.sessions.transition(id, 'ended');
      await this.finishRecord(ctx, result, null);
      return result;
    })();
    return current.stopping;
  }

  /** Opens a terminal for a face: the agent's tmux, a new shell, or a command in /srv/project. */
  async openTerminal(
    client: Client,
    p: {
      sessionId: string;
      kind: TerminalKind;
      command?: string[];
      pty?: boolean;
      cols: number;
      rows: number;
    },
  ): Promise<string> {
    const live = this.live.get(p.sessionId);
    if (!live) throw new UnknownSessionError(p.sessionId);
    const ssh = live.ctx.live.ssh;
    if (!ssh || this.deps.sessions.get(p.sessionId)?.state !== 'running') {
      throw new StepAbort({
        what: `Session ${p.sessionId} is not running yet`,
        fix: 'Wait until it has started.',
      });
    }
    const inProject = (cmd: string) => `cd ${quote(PROJECT_DIR)} && ${cmd}`;
    if (p.kind === 'exec') {
      if (!p.command?.length) throw new StepAbort({ what: 'exec needs a command' });
      // A login shell: the profile puts ~/.local/bin (where claude lives) on PATH.
      const cmd = command(['bash', '-lc', inProject(command(p.command))]);
      if (p.pty === false) {
        const exec = new ExecChannel(ssh, cmd);
        return this.terminals.attach(p.sessionId, client, exec, { exitCode: () => exec.exitCode });
      }
      const pty = await ssh.openPty({ command: cmd, cols: p.cols, rows: p.rows });
      return this.terminals.attach(p.sessionId, client, pty.channel, {
        exitCode: () => channelExit(pty.channel).code,
      });
    }
    const cmd = p.kind === 'agent' ? attachTmuxCommand() : inProject('exec bash -l');
    const open = (on: typeof ssh) =>
      on.openPty({ command: cmd, cols: p.cols, rows: p.rows, env: { LANG: 'C.UTF-8' } });
    let pty = await open(ssh);
    return this.terminals.attach(p.sessionId, client, pty.channel, {
      exitCode: () => channelExit(pty.channel).code,
      ...(p.kind === 'agent'
        ? {
            beforeExit: () => this.checkAgent(live),
            // The agent lives on in tmux: after a lost connection, attach to it again.
            reopen: async () => {
              const back = await live.keeper?.lost();
              if (!back) return null;
              pty = await open(back);
              return pty.channel;
            },
          }
        : {}),
    });
  }

  private keepConnected(live: Live): void {
    const { ctx } = live;
    const ssh = ctx.settings.ssh;
    live.keeper = new ConnectionKeeper({
      ctx,
      signal: live.abort.signal,
      connect: (signal) =>
        this.deps.connectSsh({
          host: ctx.state.vmIp!,
          port: ssh.port,
          username: ssh.user,
          password: ssh.password,
          deadlineMs: 10_000,
          signal,
        }),
      isStopping: () => Boolean(live.stopping) || this.live.get(ctx.id) !== live,
      vmRunning: async () =>
        (await this.deps.vms.list()).some((v) => v.name === ctx.state.vmName && v.running),
      notice: (text) => this.terminals.notice(ctx.id, text),
      onReconnected: () => this.watchAgent(live),
    });
  }

  /** Watches the agent's tmux session; when it ends (the agent exited), the faces ask what to do. */
  private watchAgent(live: Live): void {
    const ssh = live.ctx.live.ssh;
    if (!ssh) return;
    const ac = new AbortController();
    live.ctx.live.stopAgentWatch = () => ac.abort();
    const wait = `while ${agentAliveCommand()} 2>/dev/null; do sleep 1; done`;
    ssh
      .exec(wait, { timeoutMs: 2 ** 31 - 1, signal: ac.signal })
      .then(() => this.notifyAgentExited(live))
      .catch(() => {});
  }

  private async checkAgent(live: Live): Promise<void> {
    const ssh = live.ctx.live.ssh;
    if (!ssh || ssh.closed) return;
    const r = await ssh.exec(agentAliveCommand(), { timeoutMs: 10_000 });
    if (r.code !== 0) this.notifyAgentExited(live);
  }

  private notifyAgentExited(live: Live): void {
    if (live.agentExitNotified || live.stopping) return;
    live.agentExitNotified = true;
    this.emit('session.agentExited', { sessionId: live.ctx.id });
  }

  /** Sessions this host did not start (a previous host crashed): re-attach or tear down. */
  reconcile(): Promise<Reconciled> {
    return reconcile(this.deps, this);
  }

  isLive(id: string): boolean {
    return this.live.has(id);
  }

  /** Re-attaches to a session a previous host left running: ssh, tunnel and proxy made again. */
  async reattach(r: SessionRecord): Promise<void> {
    const live = this.adopt(r);
    const { ctx } = live;
    const ssh = this.settings().ssh;
    ctx.live.ssh = await ctx.deps.connectSsh({
      host: r.vmIp!,
      port: ssh.port,
      username: ssh.user,
      password: ssh.password,
      deadlineMs: 15_000,
    });
    const lease = await ctx.deps.ports.allocate();
    ctx.live.portLease = lease;
    ctx.live.tunnel = await this.deps.vms.forwardPort(ctx.live.ssh, {
      server: lease.server,
      guestPort: 80,
    });
    ctx.update({ tunnelPort: lease.port, url: ctx.live.tunnel.url });
    if (r.proxyName && (await repointed(ctx.deps, r.proxyName))) {
      // Its owner pointed the name elsewhere while no host ran: it is theirs now, not ours.
      ctx.update({ proxyName: null, urlNote: `${r.proxyName} now points elsewhere in Herd` });
    } else if (r.proxyName) {
      const url = await ctx.deps.proxies
        .proxy(r.proxyName, ctx.live.tunnel.url, this.settings().herd.secure)
        .catch(() => null);
      if (url) ctx.update({ url });
    }
    this.publish(r.id);
    this.watchAgent(live);
    this.keepConnected(live);
  }

  /** A record this process holds no live state for, as a context teardown can work from. */
  private adopt(r: SessionRecord): Live {
    return this.track(r.id, r.projectDir, r.onExit, r);
  }

  private track(
    id: string,
    projectDir: string,
    onExit: OnExit | null,
    record?: SessionRecord,
  ): Live {
    const abort = new AbortController();
    const ctx = this.createContext(id, projectDir, onExit, abort.signal, record);
    const live: Live = {
      ctx,
      abort,
      started: Promise.resolve(),
      stopping: null,
      agentExitNotified: false,
    };
    this.live.set(id, live);
    return live;
  }

  cleanup(dryRun: boolean): Promise<CleanupReport> {
    return cleanup(this.deps, this, dryRun);
  }

  /** Quit: tear every session down, keeping all work. */
  async shutdown(): Promise<void> {
    await Promise.all([...this.live.keys()].map((id) => this.stop(id, 'keep').catch(() => {})));
  }

  private createContext(
    id: string,
    projectDir: string,
    onExit: OnExit | null,
    signal: AbortSignal,
    record?: SessionRecord,
  ): SessionContext {
    // Everything this session makes goes on the ledger first (cleanup trusts nothing else).
    const deps = recordingDeps(this.deps, id);
    const names = sessionNames(projectDir, id);
    let saved = Boolean(record);
    const state: SessionContext['state'] = record
      ? { ...record }
      : {
          id,
          projectDir,
          projectName: projectSlug(projectDir),
          onExit,
          baseBranch: null,
          baseCommit: null,
          branch: null,
          worktreeDir: null,
          vmName: null,
          vmIp: null,
          vmPid: null,
          tunnelPort: null,
          proxyName: null,
          url: null,
          urlNote: null,
          warnings: [],
          error: null,
        };
    const ctx: SessionContext = {
      id,
      projectDir,
      projectName: state.projectName,
      names,
      settings: this.settings(),
      projectConfig: { bootstrap: { composer: true, migrate: true } },
      deps,
      signal,
      onExit,
      state,
      live: emptyResources(),
      services: null,
      gateway: null,
      auth: null,
      update: (patch) => {
        Object.assign(state, patch);
        if (saved) {
          deps.sessions.update(id, patch);
          this.publish(id);
        }
      },
      save: () => {
        ctx.projectConfig = loadProjectConfig(ctx.projectDir);
        deps.sessions.create({
          id,
          projectDir: ctx.projectDir,
          projectName: state.projectName,
          onExit,
        });
        saved = true;
        const { id: _i, projectDir: _p, projectName: _n, onExit: _o, ...rest } = state;
        deps.sessions.update(id, { ...rest, projectDir: ctx.projectDir });
        this.publish(id);
      },
      warn: (problem) => {
        ctx.update({ warnings: [...state.warnings, problem] });
      },
    };
    return ctx;
  }

  private summaryOf(ctx: SessionContext): SessionSummary {
    const r = this.deps.sessions.get(ctx.id);
    if (r) return toSummary(r);
    const { onExit: _o, baseCommit: _b, vmPid: _p, ...s } = ctx.state;
    return {
      ...s,
      projectDir: ctx.projectDir,
      state: 'starting',
      startedAt: new Date().toISOString(),
      endedAt: null,
      hasUnmergedWork: null,
    };
  }

  private publish(id: string): void {
    const r = this.deps.sessions.get(id);
    if (r) this.emit('session.updated', toSummary(r));
  }
}

/** A command without a PTY (piped `clave exec`): stdout and stderr apart, exit code kept. */
class ExecChannel extends EventEmitter {
  readonly stderr = new EventEmitter();
  exitCode: number | null = null;
  private readonly ac = new AbortController();

  constructor(ssh: NonNullable<SessionContext['live']['ssh']>, cmd: string) {
    super();
    void ssh
      .exec(cmd, {
        timeoutMs: 2 ** 31 - 1,
        signal: this.ac.signal,
        onStdout: (c) => this.emit('data', c),
        onStderr: (c) => this.stderr.emit('data', c),
      })
      .then(
        (r) => (this.exitCode = r.code),
        () => (this.exitCode = null),
      )
      .finally(() => this.emit('close'));
  }

  write(): void {}
  pause(): void {}
  resume(): void {}
  close(): void {
    this.ac.abort();
  }
}
