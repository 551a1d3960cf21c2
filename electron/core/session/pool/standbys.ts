// The session host's side of warm start: which live sessions are standbys (hidden from every face
// until one is claimed), making and discarding them for the pool, and turning one into the
// session the person asked for. The host lends it what only the host can do (StandbyHost).
import type { OnExit } from '../../../../shared/session';
import type { Settings } from '../../config/settings';
import type { SessionRecord } from '../../store/sessions-repository';
import type { StandbyFacts } from '../../store/standby-facts';
import type { SessionContext } from '../context';
import type { SessionDeps } from '../deps';
import type { Live } from '../live-session';
import { newSessionId } from '../naming';
import type { Step } from '../pipeline';
import { toProblem } from '../problem';
import { bringToHead } from './bring-to-head';
import { StandbyPool } from './standby-pool';

export interface StandbyHost {
  /** A new live session on Tart for `projectRoot`, its pipelines started. */
  launch(id: string, projectRoot: string, facts: StandbyFacts): Live;
  live(id: string): Live | undefined;
  /** Runs a claim's steps, shown as the session's own progress. */
  runClaim(ctx: SessionContext, steps: readonly Step<SessionContext>[]): Promise<void>;
  /** Stops the session, its copy discarded. */
  discard(id: string): Promise<unknown>;
  publish(id: string): void;
  /** VMs this Mac holds or is making now (Orchard's run on other Macs). */
  vmCount(): number;
}

export class Standbys {
  readonly pool: StandbyPool;
  private readonly hidden = new Set<string>();

  constructor(
    private readonly host: StandbyHost,
    private readonly deps: SessionDeps,
    settings: () => Settings,
  ) {
    this.pool = new StandbyPool(
      {
        prepareStandby: (root, facts) => this.prepare(root, facts),
        discardStandby: (id) => this.discard(id),
        vmCount: () => host.vmCount(),
      },
      deps.git,
      deps.auth,
      deps.paths.root,
      settings,
    );
  }

  /** A standby, until claimed: no face hears of it. */
  hides(id: string): boolean {
    return this.hidden.has(id);
  }

  /** A record the host takes up again (to tear it down): a standby stays hidden. */
  adopt(record: SessionRecord): void {
    if (record.standby) this.hidden.add(record.id);
  }

  /**
   * The project's standby made the person's session: brought to the project's HEAD, shown, and
   * the pool refilled. Null when there is none to serve (or it could not be brought to HEAD: it
   * is discarded and the caller starts cold).
   */
  async claim(projectDir: string, onExit: OnExit | null): Promise<SessionRecord | null> {
    const id = await this.pool.claim(projectDir);
    const live = id ? this.host.live(id) : undefined;
    if (!id || !live) return null;
    const { ctx } = live;
    const r = this.deps.sessions.get(id);
    const usable = r?.state === 'running' && r.agent?.state !== 'exited' && !live.stopping;
    const brought = usable
      ? await bringToHead(ctx, (steps) => this.host.runClaim(ctx, steps)).catch((e: unknown) =>
          toProblem(e),
        )
      : { what: `The standby ${id} no longer runs` };
    if (typeof brought !== 'string') {
      console.warn(`clave: standby ${id} not served: ${brought.what}`);
      await this.discard(id);
      return null;
    }
    const record = this.deps.sessions.claimStandby(id, onExit);
    Object.assign(ctx.state, { standby: null, warm: true, onExit });
    ctx.onExit = onExit;
    this.hidden.delete(id);
    this.host.publish(id);
    this.pool.started(ctx.projectDir);
    return record;
  }

  /** A session stopped: its room goes to the pool; a standby kept for its work is shown. */
  stopped(id: string): void {
    if (!this.hidden.has(id)) return this.pool.refill();
    if (!this.deps.sessions.get(id)?.standby) return;
    this.deps.sessions.update(id, { standby: null });
    this.hidden.delete(id);
    this.host.publish(id);
  }

  /** A hidden session made ahead for the pool (always on Tart); `ready` settles once it runs. */
  private prepare(projectRoot: string, facts: StandbyFacts) {
    const id = newSessionId();
    this.hidden.add(id);
    return { id, ready: this.host.launch(id, projectRoot, facts).started };
  }

  /** A standby goes with its copy (pristine: nothing to keep); a stop in flight is joined. */
  private async discard(id: string): Promise<void> {
    try {
      if (this.host.live(id) || this.deps.sessions.get(id)) await this.host.discard(id);
    } finally {
      this.hidden.delete(id);
    }
  }
}
