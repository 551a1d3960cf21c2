// The renderer's one store over the shared API, whatever the transport: the sessions the host
// reports, their live pipeline progress, the terminal tabs the user has open, the exit decision
// in progress, and notices. It only mirrors what the host says and forwards what the user asks;
// the rules (what a session may do, whether work may be thrown away) stay in the host.
import type { ClaveApi, StopResult } from '../../../shared/api';
import { own } from '../../../shared/own';
import { squashMessage } from '../../../shared/squash-message';
import type {
  OnExit,
  PipelineEvent,
  Problem,
  SessionBackend,
  SessionSummary,
} from '../../../shared/session';
import type { Connection } from '../api/connection';
import { applyProgress } from './progress';
import { problemOf } from './problem';
import {
  initialState,
  type ExitPrompt,
  type Notice,
  type SessionView,
  type StoreState,
  type TabView,
} from './state';

export { applyProgress, type PipelineView, type StepStatus, type StepView } from './progress';
export type {
  ExitPhase,
  ExitPrompt,
  Notice,
  SessionTabs,
  SessionView,
  StoreState,
  TabView,
} from './state';

export class SessionStore {
  private state: StoreState;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe: (() => void)[] = [];
  private tabCounter = 0;
  private noticeCounter = 0;
  private readonly autoOpened = new Set<string>();

  constructor(
    readonly api: ClaveApi,
    private readonly connection?: Connection,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.state = initialState(connection?.status() ?? { state: 'open', epoch: 1 });
    this.unsubscribe.push(
      api.on('session.updated', (s) => this.onUpdated(s)),
      api.on('session.progress', ({ sessionId, event }) => this.onProgress(sessionId, event)),
      api.on('session.agentExited', ({ sessionId }) => this.requestExit(sessionId, 'agent-exited')),
      api.on('app.notice', (n) => this.notify(n.level, n.message)),
    );
    if (connection) {
      this.unsubscribe.push(
        connection.onStatus((status) => {
          this.set({ connection: status });
          if (status.state === 'open') void this.refresh();
        }),
      );
    }
    if (this.state.connection.state === 'open') void this.refresh();
  }

  dispose(): void {
    for (const u of this.unsubscribe.splice(0)) u();
    this.listeners.clear();
  }

  // --- the React side (useSyncExternalStore)
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };
  getSnapshot = (): StoreState => this.state;

  private set(patch: Partial<StoreState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  // --- sessions
  /** Loads the host's sessions; ones the host no longer knows (ended meanwhile) go. */
  async refresh(): Promise<void> {
    let list: SessionSummary[];
    try {
      list = await this.api.call('sessions.list', {});
    } catch (e) {
      this.notify('error', 'Could not load the sessions', problemOf(e));
      return;
    }
    const known = new Set(list.map((s) => s.id));
    const kept = this.state.sessions.filter(
      (s) => known.has(s.id) || s.state === 'failed' || !s.summary,
    );
    this.set({ sessions: kept });
    for (const s of list) this.onUpdated(s);
  }

  /** `backend` only when the person chose one: otherwise the host decides. */
  async start(projectDir: string, backend?: SessionBackend): Promise<void> {
    const dir = projectDir.trim();
    if (!dir) {
      this.set({ startError: { what: 'Enter the path of a project folder' } });
      return;
    }
    this.set({ starting: true, startError: null });
    try {
      const summary = await this.api.call('sessions.start', {
        projectDir: dir,
        ...(backend ? { backend } : {}),
      });
      const existing = this.find(summary.id);
      if (!existing) {
        this.upsert(this.viewFromSummary(summary));
      } else if (!existing.summary) {
        // Progress came first; take the names from the answer, keep the state progress showed.
        this.upsert({
          ...existing,
          projectDir: summary.projectDir,
          projectName: summary.projectName,
          summary: existing.failure ? null : summary,
        });
      }
      this.set({ selectedId: summary.id, starting: false });
    } catch (e) {
      this.set({ startError: problemOf(e), starting: false });
    }
  }

  /** Also for a session not seen yet (the tray started it): it shows as soon as it arrives. */
  select(id: string): void {
    this.set({ selectedId: id });
  }

  /**
   * A notification's click: this session, on its agent's terminal (opened again if it was
   * closed). Returns that tab's key, or null when the session has none.
   */
  focusAgent(id: string): string | null {
    this.select(id);
    const agent = own(this.state.tabs, id)?.tabs.find((t) => t.kind === 'agent');
    if (agent) {
      this.activateTab(id, agent.key);
      return agent.key;
    }
    return this.find(id)?.state === 'running' ? this.openTab(id, 'agent') : null;
  }

  /** ⌘1…9: the n-th session in the list (1-based). */
  selectIndex(n: number): void {
    const s = this.state.sessions[n - 1];
    if (s) this.select(s.id);
  }

  /** A failed session stays listed (with its Problem) until the user dismisses it. */
  dismiss(id: string): void {
    this.remove(id);
  }

  setSearchOpen(open: boolean): void {
    this.set({ searchOpen: open });
  }

  requestNewSession(): void {
    this.set({ newSessionRequest: this.state.newSessionRequest + 1 });
  }

  private find(id: string): SessionView | undefined {
    return this.state.sessions.find((s) => s.id === id);
  }

  private upsert(view: SessionView): void {
    const i = this.state.sessions.findIndex((s) => s.id === view.id);
    const sessions = [...this.state.sessions];
    if (i >= 0) sessions[i] = view;
    else sessions.push(view);
    sessions.sort((a, b) => a.startedAt - b.startedAt);
    const selectedId = this.state.selectedId ?? view.id;
    this.set({ sessions, selectedId });
    if (view.state === 'running' && !this.autoOpened.has(view.id)) {
      this.autoOpened.add(view.id);
      this.openTab(view.id, 'agent');
    }
  }

  private remove(id: string): void {
    const sessions = this.state.sessions.filter((s) => s.id !== id);
    const { [id]: _gone, ...tabs } = this.state.tabs;
    const selectedId =
      this.state.selectedId === id ? (sessions[0]?.id ?? null) : this.state.selectedId;
    this.autoOpened.delete(id);
    const changesOpen = this.state.changesOpen.filter((c) => c !== id);
    this.set({ sessions, tabs, selectedId, changesOpen });
    // Ended elsewhere (the tray's dialog, the CLI) while this window was about to ask: nothing
    // is left to decide.
    const p = this.state.exitPrompt;
    if (p?.sessionId === id && (p.phase === 'loading' || p.phase === 'choose')) this.closePrompt();
    if (this.state.exitQueue.some((q) => q.sessionId === id)) {
      this.set({ exitQueue: this.state.exitQueue.filter((q) => q.sessionId !== id) });
    }
  }

  private viewFromSummary(s: SessionSummary): SessionView {
    const startedAt = Date.parse(s.startedAt);
    return {
      id: s.id,
      projectDir: s.projectDir,
      projectName: s.projectName,
      state: s.state,
      summary: s,
      pipelines: [],
      failure: s.error ? { step: null, label: null, problem: s.error } : null,
      startedAt: Number.isNaN(startedAt) ? this.now() : startedAt,
      endedAt: s.endedAt ? Date.parse(s.endedAt) : null,
    };
  }

  private onUpdated(s: SessionSummary): void {
    if (s.state === 'ended') {
      this.remove(s.id);
      return;
    }
    const existing = this.find(s.id);
    const fresh = this.viewFromSummary(s);
    if (!existing) {
      this.upsert(fresh);
      return;
    }
    this.upsert({
      ...existing,
      projectDir: s.projectDir,
      projectName: s.projectName,
      state: s.state,
      summary: s,
      failure: s.error
        ? {
            step: existing.failure?.step ?? null,
            label: existing.failure?.label ?? null,
            problem: s.error,
          }
        : existing.failure,
      startedAt: fresh.startedAt,
      endedAt: fresh.endedAt,
    });
  }

  private onProgress(sessionId: string, event: PipelineEvent): void {
    const view: SessionView = this.find(sessionId) ?? {
      id: sessionId,
      projectDir: '',
      projectName: '',
      state: 'starting',
      summary: null,
      pipelines: [],
      failure: null,
      startedAt: this.now(),
      endedAt: null,
    };
    const pipelines = applyProgress(view.pipelines, event, this.now());
    let { state, failure, endedAt } = view;
    if (event.type === 'step-failed') {
      const label =
        pipelines.flatMap((p) => p.steps).find((st) => st.name === event.step)?.label ?? null;
      failure = { step: event.step, label, problem: event.problem };
      state = 'failed';
      endedAt = this.now();
    }
    this.upsert({ ...view, pipelines, state, failure, endedAt });
  }

  // --- terminal tabs
  openTab(sessionId: string, kind: TabView['kind']): string {
    const current = own(this.state.tabs, sessionId) ?? { tabs: [], active: null };
    const key = `t${++this.tabCounter}`;
    const shells = current.tabs.filter((t) => t.kind === 'shell').length;
    const tab: TabView = {
      key,
      sessionId,
      kind,
      title: kind === 'agent' ? 'Claude' : `Shell ${shells + 1}`,
      exited: null,
    };
    const tabs = kind === 'agent' ? [tab, ...current.tabs] : [...current.tabs, tab];
    this.set({ tabs: { ...this.state.tabs, [sessionId]: { tabs, active: key } } });
    return key;
  }

  /** Closing a tab closes that terminal only: the agent keeps running in tmux. */
  closeTab(sessionId: string, key: string): void {
    const current = own(this.state.tabs, sessionId);
    if (!current) return;
    const i = current.tabs.findIndex((t) => t.key === key);
    if (i < 0) return;
    const tabs = current.tabs.filter((t) => t.key !== key);
    const active =
      current.active === key ? (tabs[Math.min(i, tabs.length - 1)]?.key ?? null) : current.active;
    this.set({ tabs: { ...this.state.tabs, [sessionId]: { tabs, active } } });
  }

  /** ⌘W: the selected session's active tab. */
  closeActiveTab(): void {
    const id = this.state.selectedId;
    const active = id ? (own(this.state.tabs, id)?.active ?? null) : null;
    if (id && active) this.closeTab(id, active);
  }

  activateTab(sessionId: string, key: string): void {
    const current = own(this.state.tabs, sessionId);
    if (!current?.tabs.some((t) => t.key === key)) return;
    this.set({ tabs: { ...this.state.tabs, [sessionId]: { ...current, active: key } } });
  }

  tabExited(sessionId: string, key: string, code: number | null): void {
    const current = own(this.state.tabs, sessionId);
    if (!current) return;
    const tab = current.tabs.find((t) => t.key === key);
    if (!tab) return;
    // A shell the user ended with `exit` closes like a terminal tab does; anything else stays
    // visible with its last screen.
    if (tab.kind === 'shell' && code === 0) return this.closeTab(sessionId, key);
    const tabs = current.tabs.map((t) => (t.key === key ? { ...t, exited: { code } } : t));
    this.set({ tabs: { ...this.state.tabs, [sessionId]: { ...current, tabs } } });
  }

  // --- ending a session: keep / merge / discard
  /** Asks for the exit decision: when the agent exits by itself, or the user clicks Stop. */
  requestExit(sessionId: string, reason: ExitPrompt['reason'], intent: OnExit | null = null): void {
    const open = this.state.exitPrompt;
    if (open?.sessionId === sessionId) return;
    if (open) {
      if (!this.state.exitQueue.some((q) => q.sessionId === sessionId)) {
        this.set({ exitQueue: [...this.state.exitQueue, { sessionId, reason }] });
      }
      return;
    }
    const view = this.find(sessionId);
    this.setPrompt({
      sessionId,
      projectName: view?.projectName || sessionId,
      worktreeDir: view?.summary?.worktreeDir ?? null,
      baseBranch: view?.summary?.baseBranch ?? null,
      reason,
      phase: 'loading',
      info: null,
      decision: null,
      intent,
      squash: false,
      message: '',
      force: false,
      result: null,
      error: null,
    });
    this.api.call('sessions.exitInfo', { id: sessionId }).then(
      (info) =>
        this.patchPrompt(sessionId, {
          phase: 'choose',
          info,
          message: squashMessage(sessionId, info.commits),
        }),
      (e: unknown) => this.patchPrompt(sessionId, { phase: 'choose', error: problemOf(e) }),
    );
  }

  async decideExit(decision: OnExit, force = false): Promise<void> {
    const prompt = this.state.exitPrompt;
    if (!prompt || prompt.phase === 'stopping') return;
    const id = prompt.sessionId;
    this.patchPrompt(id, { phase: 'stopping', decision, force, error: null, result: null });
    let result: StopResult;
    try {
      const message = prompt.message.trim();
      const squash = decision === 'merge' && prompt.squash;
      result = await this.api.call('sessions.stop', {
        id,
        onExit: decision,
        ...(force ? { force } : {}),
        ...(squash ? { squash: true, ...(message ? { message } : {}) } : {}),
      });
    } catch (e) {
      this.patchPrompt(id, { phase: 'result', error: problemOf(e) });
      return;
    }
    if (result.problem || result.teardownProblems.length) {
      this.patchPrompt(id, { phase: 'result', result });
      return;
    }
    const base = prompt.info?.baseBranch ?? prompt.baseBranch ?? 'the base branch';
    const name = prompt.projectName;
    const text =
      result.outcome === 'merged'
        ? `${name}: work merged into ${base}`
        : result.outcome === 'kept'
          ? `${name}: session copy kept`
          : `${name}: session copy discarded`;
    this.notify(
      'info',
      text,
      result.outcome === 'kept' && prompt.worktreeDir ? { what: prompt.worktreeDir } : undefined,
    );
    this.closePrompt();
  }

  /** Merge commit (false) or one squashed commit (true), and the squash commit's message. */
  setSquash(squash: boolean, message?: string): void {
    const p = this.state.exitPrompt;
    if (!p || p.phase !== 'choose') return;
    this.patchPrompt(p.sessionId, { squash, ...(message !== undefined ? { message } : {}) });
  }

  /** "Not now" before deciding, or "Close" after a result: the next queued session is asked. */
  closePrompt(): void {
    const [next, ...rest] = this.state.exitQueue;
    this.set({ exitPrompt: null, exitQueue: rest });
    if (next) this.requestExit(next.sessionId, next.reason);
  }

  private setPrompt(p: ExitPrompt): void {
    this.set({ exitPrompt: p });
  }

  private patchPrompt(sessionId: string, patch: Partial<ExitPrompt>): void {
    const p = this.state.exitPrompt;
    if (p?.sessionId !== sessionId) return;
    this.set({ exitPrompt: { ...p, ...patch } });
  }

  // --- changes view and kept sessions
  /** Shows the session with its changes view open (also from the exit dialog's link). */
  showChanges(id: string): void {
    const changesOpen = this.state.changesOpen.includes(id)
      ? this.state.changesOpen
      : [...this.state.changesOpen, id];
    this.set({ selectedId: id, changesOpen });
  }

  hideChanges(id: string): void {
    this.set({ changesOpen: this.state.changesOpen.filter((c) => c !== id) });
  }

  /** A fresh VM on the kept copy; its progress and terminal arrive as for a start. */
  async resume(id: string): Promise<void> {
    if (this.state.resuming.includes(id)) return;
    // The old VM's terminals are dead; the resumed agent's opens as a new session's does.
    const { [id]: _dead, ...tabs } = this.state.tabs;
    this.set({ resuming: [...this.state.resuming, id], tabs });
    this.autoOpened.delete(id);
    try {
      const summary = await this.api.call('sessions.resume', { id });
      this.onUpdated(summary);
    } catch (e) {
      const name = this.find(id)?.projectName || id;
      this.notify('error', `Could not resume the session in ${name}`, problemOf(e));
    } finally {
      this.set({ resuming: this.state.resuming.filter((r) => r !== id) });
    }
  }

  // --- notices
  notify(level: Notice['level'], text: string, problem?: Problem, sessionId?: string): void {
    const detail = problem
      ? [problem.what, problem.why, problem.fix].filter(Boolean).join(' — ')
      : undefined;
    const notice: Notice = {
      id: ++this.noticeCounter,
      level,
      text,
      ...(detail ? { detail } : {}),
      ...(sessionId ? { sessionId } : {}),
    };
    // A newer notice about a session replaces the older one: only the latest is still true.
    const others = sessionId
      ? this.state.notices.filter((n) => n.sessionId !== sessionId)
      : this.state.notices;
    this.set({ notices: [...others, notice].slice(-4) });
  }

  dismissNotice(id: number): void {
    this.set({ notices: this.state.notices.filter((n) => n.id !== id) });
  }
}
