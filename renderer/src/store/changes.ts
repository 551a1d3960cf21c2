// One session's changes while its changes view is open: the files and commits against the base,
// and the selected file's diff. The host is asked to watch the copy only while the view is open
// (it costs nothing closed); a burst of `changes.updated` becomes one re-fetch, and an answer
// that arrives after a newer request was made is dropped.
import type { ClaveApi, Changes, FileDiff } from '../../../shared/api';
import type { Problem } from '../../../shared/session';
import { problemOf } from './problem';

export interface ChangesState {
  changes: Changes | null;
  /** The first load has not answered yet. */
  loading: boolean;
  error: Problem | null;
  selectedPath: string | null;
  diff: FileDiff | null;
  diffLoading: boolean;
  diffError: Problem | null;
}

const INITIAL: ChangesState = {
  changes: null,
  loading: true,
  error: null,
  selectedPath: null,
  diff: null,
  diffLoading: false,
  diffError: null,
};

/** Updates closer together than this are fetched once (the view stays within 1 s of a change). */
export const CHANGES_COALESCE_MS = 200;

export class ChangesFeed {
  private state: ChangesState = INITIAL;
  private readonly listeners = new Set<() => void>();
  private off: (() => void) | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private fetching = false;
  /** An update came while fetching: fetch once more when this one is done. */
  private dirty = false;
  /** Bumped by every diff request and by close: older answers are stale. */
  private diffGeneration = 0;
  private openGeneration = 0;

  constructor(
    private readonly api: ClaveApi,
    readonly sessionId: string,
    private readonly coalesceMs = CHANGES_COALESCE_MS,
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };
  getSnapshot = (): ChangesState => this.state;

  private set(patch: Partial<ChangesState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  get isOpen(): boolean {
    return this.off !== null;
  }

  open(): void {
    if (this.off) return;
    const generation = ++this.openGeneration;
    this.off = this.api.on('changes.updated', ({ sessionId }) => {
      if (sessionId === this.sessionId) this.schedule();
    });
    this.api.call('changes.watch', { id: this.sessionId, on: true }).catch((e: unknown) => {
      // Without the watch the list still shows, but it will not follow the agent: say so.
      if (generation === this.openGeneration) this.set({ error: problemOf(e) });
    });
    void this.fetch();
  }

  close(): void {
    if (!this.off) return;
    this.off();
    this.off = null;
    this.openGeneration++;
    this.diffGeneration++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.fetching = false;
    this.dirty = false;
    // The session may be gone already (merged, discarded): nothing is watched then either.
    this.api.call('changes.watch', { id: this.sessionId, on: false }).catch(() => {});
  }

  /** Shows one file's diff (null: none). */
  select(path: string | null): void {
    this.set({ selectedPath: path, diff: null, diffError: null });
    void this.loadDiff();
  }

  /** The user asked again after a failure. */
  retry(): void {
    this.schedule(0);
  }

  private schedule(ms = this.coalesceMs): void {
    if (!this.off) return;
    if (this.fetching) {
      this.dirty = true;
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.fetch();
    }, ms);
  }

  private async fetch(): Promise<void> {
    const generation = this.openGeneration;
    this.fetching = true;
    try {
      const changes = await this.api.call('changes.get', { id: this.sessionId });
      if (generation !== this.openGeneration) return;
      const selectedPath = this.state.selectedPath;
      this.set({ changes, loading: false, error: null });
      // The shown diff follows the copy too; a file no longer changed shows that instead.
      if (selectedPath) {
        if (changes.files.some((f) => f.path === selectedPath)) void this.loadDiff(true);
        else this.set({ diff: null, diffLoading: false, diffError: null });
      }
    } catch (e) {
      if (generation === this.openGeneration) this.set({ loading: false, error: problemOf(e) });
    } finally {
      if (generation === this.openGeneration) {
        this.fetching = false;
        if (this.dirty) {
          this.dirty = false;
          this.schedule();
        }
      }
    }
  }

  /** `quiet`: a refresh of the diff already shown, which stays until the new one arrives. */
  private async loadDiff(quiet = false): Promise<void> {
    const path = this.state.selectedPath;
    const generation = ++this.diffGeneration;
    if (!path) {
      this.set({ diffLoading: false });
      return;
    }
    if (!quiet) this.set({ diffLoading: true });
    try {
      const diff = await this.api.call('changes.diff', { id: this.sessionId, path });
      if (generation === this.diffGeneration) {
        this.set({ diff, diffLoading: false, diffError: null });
      }
    } catch (e) {
      if (generation === this.diffGeneration) {
        this.set({ diffLoading: false, diffError: problemOf(e) });
      }
    }
  }
}
