// A session's record as the faces see it: published on every change, shown before it is saved,
// and settled when the session ends — deleted, kept with its copy, or left for cleanup when
// something could not be removed.
import type { StopResult } from '../../../shared/api';
import type { Problem, SessionSummary } from '../../../shared/session';
import { toSummary } from '../store/sessions-repository';
import type { SessionContext } from './context';
import type { SessionDeps } from './deps';
import { hasUnmergedWork } from './unmerged-work';

/** A record's fields about a VM and how it is reached: none before the VM, none once it is gone. */
export const NO_VM = {
  vmName: null,
  vmIp: null,
  vmPid: null,
  tunnelPort: null,
  proxyName: null,
  url: null,
  urlNote: null,
} as const;

/**
 * What a record holds before (or apart from) its agent running: no agent status, nothing to
 * resume, no tunnels, nothing measured. Kept in the record, not in a session's context.
 */
export const NO_AGENT = {
  hasUnmergedWork: null,
  agent: null,
  claudeSessionId: null,
  unread: false,
  mcpTunnels: [],
  diskBytes: null,
  transcriptBytes: null,
  spoolOffset: 0,
} as const;

export class SessionRecords {
  constructor(
    private readonly deps: SessionDeps,
    private readonly emit: (summary: SessionSummary) => void,
  ) {}

  publish(id: string): void {
    const r = this.deps.sessions.get(id);
    if (r) this.emit(toSummary(r));
  }

  /** The record, or (in preflight, before SaveSession) what is known so far. */
  summaryOf(ctx: SessionContext): SessionSummary {
    const r = this.deps.sessions.get(ctx.id);
    if (r) return toSummary(r);
    const { onExit: _o, baseCommit: _b, vmPid: _p, standby: _y, ...s } = ctx.state;
    const { spoolOffset: _s, ...none } = NO_AGENT;
    return {
      ...s,
      ...none,
      mcpTunnels: [],
      state: 'starting',
      startedAt: new Date().toISOString(),
      endedAt: null,
    };
  }

  /** A start failed: the record (if saved yet) says so. Returns whether it was saved. */
  fail(ctx: SessionContext, problem: Problem): boolean {
    const saved = this.deps.sessions.get(ctx.id);
    if (saved && saved.state !== 'failed') {
      this.deps.sessions.transition(ctx.id, 'failed', { error: problem });
      this.publish(ctx.id);
    }
    return Boolean(saved);
  }

  /** After a failed start's teardown; one that failed unsaved (preflight) is still heard of. */
  async finishFailed(ctx: SessionContext, result: StopResult, problem: Problem, saved: boolean) {
    if (saved) return this.finish(ctx, result, problem);
    this.emit({ ...this.summaryOf(ctx), state: 'failed', error: problem });
  }

  /** After teardown: the record goes, stays as kept, or stays for cleanup to finish the job. */
  async finish(ctx: SessionContext, result: StopResult, error: Problem | null): Promise<void> {
    const clean = result.teardownProblems.length === 0;
    if (clean && result.outcome === 'kept' && ctx.state.worktreeDir) {
      await this.keep(ctx.id, result.problem ?? error);
      return;
    }
    if (clean) {
      this.deps.sessions.delete(ctx.id);
      this.emit({
        ...this.summaryOf(ctx),
        state: error ? 'failed' : 'ended',
        error,
        endedAt: new Date().toISOString(),
      });
      return;
    }
    // Something could not be removed: keep the record so cleanup can finish the job.
    const r = this.deps.sessions.get(ctx.id);
    if (!r) return;
    const to = r.state === 'stopping' || r.state === 'failed' ? r.state : 'failed';
    if (to !== r.state) this.deps.sessions.transition(ctx.id, to);
    this.deps.sessions.update(ctx.id, { error: error ?? result.teardownProblems[0] ?? null });
    this.publish(ctx.id);
  }

  /**
   * The VM is gone, the copy stays (kept by choice, or a discard refused to lose its work): the
   * record stays too, as `kept`, until the person merges or discards it.
   */
  private async keep(id: string, problem: Problem | null): Promise<void> {
    const r = this.deps.sessions.get(id);
    if (!r) return;
    const work = await hasUnmergedWork(this.deps.git, r).catch(() => true);
    // No agent runs for a kept session (its Claude session id stays, for resume).
    this.deps.sessions.transition(id, 'kept', {
      hasUnmergedWork: work,
      error: problem,
      agent: null,
      unread: false,
      // The spool went with the VM: a resumed session follows its new VM's from the start.
      spoolOffset: 0,
      ...NO_VM,
    });
    this.publish(id);
  }
}
