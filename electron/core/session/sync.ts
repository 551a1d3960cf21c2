// Code by git (a VM that cannot see this Mac's folders, e.g. on Orchard): the VM's work reaches
// the session copy only when it is brought back. It is, after every agent turn, before the work
// is judged (keep / merge / discard and the exit dialog's facts), before the changes view reads
// the copy (at most once per few seconds), and on demand (`clave sync`). A VM lost later loses
// only what came after `syncedAt`. A collect the runtime refuses (the copy changed on this Mac
// since) overwrites nothing: it becomes a warning on the session.
import type { Problem } from '../../../shared/session';
import type { SessionRecord } from '../store/sessions-repository';
import { projectFolder } from '../vm/guest';
import type { SessionContext } from './context';
import { StepAbort, toProblem } from './problem';

/** How often reading the changes may bring the VM's work back (each sync is a git round trip). */
export const CHANGES_SYNC_EVERY_MS = 5_000;

/** The copy is shared with the VM (local Tart): it is always in sync, nothing to bring back. */
export function copyIsShared(ctx: SessionContext): boolean {
  return ctx.deps.vms.sharesFolders;
}

/**
 * Brings the VM's work into the copy once; resolves with the time, or null when there is nothing
 * to do (a shared copy, or no copy yet). Rejects when it could not (no connection, a refusal).
 */
export async function syncCopy(ctx: SessionContext): Promise<Date | null> {
  if (copyIsShared(ctx) || !ctx.state.worktreeDir) return null;
  const ssh = ctx.live.ssh;
  if (!ssh || ssh.closed) {
    throw new StepAbort({
      what: "Could not bring the VM's work back: the VM is not connected",
      why: `The last sync was ${ctx.state.syncedAt ?? 'never'}.`,
      fix: 'Wait for the session to reconnect, then sync again (clave sync).',
    });
  }
  await ctx.deps.vms.collect(ssh, projectFolder(ctx.state.worktreeDir));
  const at = new Date();
  ctx.update({ syncedAt: at.toISOString() });
  return at;
}

/** The copy's syncs, one at a time per session, with the changes view's throttle. */
export class CopySync {
  private readonly running = new Map<string, Promise<Date | null>>();
  private readonly lastTried = new Map<string, number>();

  constructor(
    /** The context of a session this host runs, or null. */
    private readonly live: (id: string) => SessionContext | null,
    private readonly everyMs = CHANGES_SYNC_EVERY_MS,
  ) {}

  /** Now (joining one under way); rejects with what went wrong, which also goes on the session. */
  async now(id: string): Promise<Date | null> {
    const ctx = this.live(id);
    if (!ctx) return null;
    const under = this.running.get(id);
    if (under) return under;
    this.lastTried.set(id, Date.now());
    const run = syncCopy(ctx)
      .catch((e: unknown) => {
        warnOnce(ctx, toProblem(e));
        throw e;
      })
      .finally(() => this.running.delete(id));
    this.running.set(id, run);
    return run;
  }

  /**
   * `clave sync` of a session (its record, when it has one): a running one now; a shared copy is
   * in sync already; a kept Orchard session has no VM to sync from, and says so.
   */
  async onDemand(id: string, record: SessionRecord | undefined): Promise<{ syncedAt: string }> {
    if (record?.backend === 'orchard' && !this.live(id)) {
      throw new StepAbort({
        what: `Session ${id} has no VM to sync from`,
        why: `It is ${record.state}; its copy holds the work up to the last sync (${record.syncedAt ?? 'never'}).`,
        fix: `Resume it (clave resume ${id}) to work on it in a VM again.`,
      });
    }
    const at = await this.now(id);
    return { syncedAt: (at ?? new Date()).toISOString() };
  }

  /** After an agent turn and before the exit dialog: a failure is on the session as a warning. */
  quietly(id: string): Promise<void> {
    // Not connected (still booting, or the VM is gone): nothing to bring back, nothing to warn.
    const ssh = this.live(id)?.live.ssh;
    if (!ssh || ssh.closed) return Promise.resolve();
    return this.now(id).then(
      () => {},
      () => {},
    );
  }

  /** Before the changes view reads the copy: at most once per `everyMs`. */
  async fresh(id: string): Promise<void> {
    const ctx = this.live(id);
    if (!ctx || copyIsShared(ctx)) return;
    const last = this.lastTried.get(id) ?? 0;
    if (!this.running.has(id) && Date.now() - last < this.everyMs) return;
    await this.quietly(id);
  }

  forget(id: string): void {
    this.lastTried.delete(id);
  }
}

/** A refusal repeats at every turn until the person acts: the session shows it once. */
function warnOnce(ctx: SessionContext, problem: Problem): void {
  if (ctx.state.warnings.some((w) => w.what === problem.what)) return;
  ctx.warn(problem);
}
