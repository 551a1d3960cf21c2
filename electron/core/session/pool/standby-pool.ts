// Warm start: for the most recently started projects (up to pool.size), a standby session is
// prepared ahead — copy, branch, VM, dependencies, Claude — hidden from every list, and the next
// `sessions.start` of that project claims it (the SessionHost makes it the person's session).
// Standbys stay within the VM budget (pool.maxVms, sessions counted), give way to a session that
// needs the room, are never served once the base image or session settings changed, and go on
// quit and `clave cleanup`. One refill at a time: standbys never compete with each other to boot.
import type { PoolStatus } from '../../../../shared/api';
import type { Problem } from '../../../../shared/session';
import type { Settings } from '../../config/settings';
import type { SettingsStore } from '../../config/settings-store';
import type { Git } from '../../host/git';
import type { StandbyFacts } from '../../store/standby-facts';
import { StepAbort, toProblem } from '../problem';
import type { AuthSource } from '../deps';
import { baseStamp, credentialStamp } from './stamp';

/** What the pool needs from the host that runs sessions. */
export interface StandbyOwner {
  /** Starts a hidden standby for a project root; `ready` settles once it runs (or failed). */
  prepareStandby(projectRoot: string, facts: StandbyFacts): { id: string; ready: Promise<void> };
  /** Tears a standby down, its pristine copy discarded. */
  discardStandby(id: string): Promise<void>;
  /** VMs this host holds or is making now: sessions and standbys. */
  vmCount(): number;
}

interface Standby {
  id: string;
  root: string;
  facts: StandbyFacts;
  /** The credential its agent started with (credentialStamp). */
  credential: string;
  state: 'booting' | 'ready';
  ready: Promise<void>;
}

export class StandbyPool {
  private readonly standbys = new Map<string, Standby>();
  /** Project roots, most recently started first. */
  private recent: string[] = [];
  private work: Promise<void> = Promise.resolve();
  private closed = false;
  private problem: Problem | null = null;

  constructor(
    private readonly owner: StandbyOwner,
    private readonly git: Git,
    private readonly auth: AuthSource,
    private readonly dataDir: string,
    private readonly settings: () => Settings,
    private readonly log: (line: string) => void = (l) => console.warn(`clave: ${l}`),
  ) {}

  status(): PoolStatus {
    const list = [...this.standbys.values()];
    const { size, maxVms } = this.settings().pool;
    return {
      size,
      maxVms,
      ready: list.filter((s) => s.state === 'ready').length,
      booting: list.filter((s) => s.state === 'booting').length,
      vms: this.owner.vmCount(),
      standbys: list.map((s) => ({ projectDir: s.root, state: s.state })),
      problem: this.problem,
    };
  }

  /**
   * The ready standby of the project at `projectDir`, taken out of the pool for the caller to
   * make the person's session; null when there is none to serve (a stale one is discarded on the
   * way). One still booting is left to boot: a start must answer at once and show its progress,
   * which a hidden standby cannot.
   */
  async claim(projectDir: string): Promise<string | null> {
    if (this.standbys.size === 0) return null;
    const root = await this.git.root(projectDir).catch(() => null);
    const s = [...this.standbys.values()].find((x) => x.root === root && x.state === 'ready');
    if (!s) return null;
    this.standbys.delete(s.id);
    if (!(await this.current(s))) {
      this.log(
        `standby ${s.id} of ${s.root} is stale (base image, settings or credential changed)`,
      );
      // Gone before the cold start, so it neither takes the room nor is left for quit.
      await this.discardNow(s.id);
      return null;
    }
    return s.id;
  }

  /** A session of this project started (cold or claimed): keep a standby ready for the next. */
  started(projectRoot: string): void {
    this.recent = [projectRoot, ...this.recent.filter((r) => r !== projectRoot)];
    this.refill();
  }

  /**
   * Before a session makes a VM: standbys give way until it fits the budget. A session itself is
   * never refused for the budget; only standbys are held to it.
   */
  async makeRoom(): Promise<void> {
    const max = this.settings().pool.maxVms;
    while (this.owner.vmCount() + 1 > max) {
      // The least recently started project's standby goes first.
      const victim = [...this.standbys.values()].sort(
        (a, b) => this.rank(b.root) - this.rank(a.root),
      )[0];
      if (!victim) return;
      this.standbys.delete(victim.id);
      await this.owner.discardStandby(victim.id).catch((e: unknown) => this.note(e));
    }
  }

  /** Brings the pool to its setting in the background (after a start, a claim, a settings change). */
  refill(): void {
    this.work = this.work.then(() => this.fill()).catch((e: unknown) => this.note(e));
  }

  /** Every standby goes (cleanup); the pool fills again after the next session start. */
  async drain(): Promise<void> {
    this.recent = [];
    // One still booting is stopped where it is (its start is aborted), not waited for.
    await Promise.all([...this.standbys.keys()].map((id) => this.discardNow(id)));
    await this.settled();
  }

  /** Quit: every standby goes, and none is made again. */
  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
  }

  /** Resolves when the refills asked for so far are done. */
  /**
   * `clave pool --size/--max-vms`: saved as settings (whose change refills the pool). A smaller
   * pool is smaller once this resolves; a larger one fills in the background.
   */
  async resize(
    change: { size?: number; maxVms?: number },
    settings: Pick<SettingsStore, 'update'>,
  ): Promise<PoolStatus> {
    const before = this.status().size;
    const result = settings.update({ pool: change });
    if (!result.ok) {
      throw new StepAbort({
        what: 'The pool setting was not changed',
        why: result.errors.map((e) => `${e.path}: ${e.message}`).join('; '),
        fix: result.errors[0]?.fix ?? 'Check settings.json.',
      });
    }
    if (change.size !== undefined && change.size < before) await this.settled();
    return this.status();
  }

  settled(): Promise<void> {
    return this.work;
  }

  private async fill(): Promise<void> {
    if (this.closed) return;
    const settings = this.settings();
    const wanted = this.recent.slice(0, settings.pool.size);
    const stamp = await baseStamp(this.dataDir, settings);
    const credential = await credentialStamp(this.auth);
    for (const s of [...this.standbys.values()]) {
      const stale = s.facts.stamp !== stamp || s.credential !== credential;
      if (!wanted.includes(s.root) || stale) await this.discardNow(s.id);
    }
    for (const root of wanted) {
      if (this.closed) return;
      if ([...this.standbys.values()].some((s) => s.root === root)) continue;
      if (this.owner.vmCount() + 1 > settings.pool.maxVms) return;
      const facts = { stamp };
      const { id, ready } = this.owner.prepareStandby(root, facts);
      const standby: Standby = { id, root, facts, credential, state: 'booting', ready };
      this.standbys.set(id, standby);
      try {
        await ready;
        standby.state = 'ready';
        this.problem = null;
      } catch (e) {
        // The host tore it down already. One the pool discarded itself (quit, cleanup,
        // eviction) is no failure to report.
        if (this.standbys.delete(id)) this.note(e);
        return;
      }
    }
  }

  /** Made from the base, settings and credential a session started now would get. */
  private async current(s: Standby): Promise<boolean> {
    const stamp = await baseStamp(this.dataDir, this.settings());
    return s.facts.stamp === stamp && s.credential === (await credentialStamp(this.auth));
  }

  private rank(root: string): number {
    const i = this.recent.indexOf(root);
    return i === -1 ? Number.MAX_SAFE_INTEGER : i;
  }

  private async discardNow(id: string): Promise<void> {
    this.standbys.delete(id);
    await this.owner.discardStandby(id).catch((e: unknown) => this.note(e));
  }

  private note(e: unknown): void {
    this.problem = toProblem(e);
    this.log(`standby: ${this.problem.what}${this.problem.why ? ` (${this.problem.why})` : ''}`);
  }
}
