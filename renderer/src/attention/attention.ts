// What needs the person, as the window shows it: unread marks (the host's, plus agent output that
// arrived while its session was not on screen), `sessions.markSeen` once a session is shown, the
// title ("Clave — 1 needs you"), and in the browser demo the notifications for attention events.
// In the app, main raises native notifications instead; the window only tells it which session
// it shows.
import {
  attentionNotification,
  countNeedingYou,
  windowTitle,
  type AttentionEvent,
} from '../../../shared/attention';
import type { SessionSummary } from '../../../shared/session';
import { Settings, type NotificationSettings } from '../../../shared/settings';
import type { SessionStore, SessionView } from '../store/sessions';
import { terminalHandle } from '../terminal/registry';
import {
  browserNotifier,
  type BrowserNotifier,
  type NotificationApi,
  type NotifyPermission,
} from './notifier';
import { documentPresence, type Presence } from './presence';

export interface AttentionOptions {
  presence: Presence;
  /** The browser demo's notifier; null in the app, whose main process notifies. */
  notifier: BrowserNotifier | null;
  /** The app's desktop bridge: told which session the window shows. */
  desktop?: { showingSession(id: string | null): void };
  /** Where the title goes. */
  doc: Pick<Document, 'title'>;
  /** Brings the window forward (a notification was clicked). */
  focusWindow(): void;
}

export interface AttentionState {
  /** Sessions whose agent printed while they were not on screen. */
  outputUnread: ReadonlySet<string>;
  /** The session the person sees now (shown, and the page visible), if any. */
  onScreen: string | null;
  /** The browser's notification permission; null in the app. */
  permission: NotifyPermission | null;
}

const DEFAULTS = Settings.parse({}).notifications;

export class Attention {
  private state: AttentionState;
  private readonly listeners = new Set<() => void>();
  private readonly offs: (() => void)[] = [];
  private shown: string | null = null;
  private reported: string | null = null;
  private settings: NotificationSettings = DEFAULTS;
  /** Summaries already marked seen: one call per unread report, even when the call fails. */
  private readonly askedSeen = new WeakSet<SessionSummary>();
  private settingsEpoch = -1;

  constructor(
    private readonly store: SessionStore,
    private readonly o: AttentionOptions,
  ) {
    this.state = {
      outputUnread: new Set(),
      onScreen: null,
      permission: o.notifier?.permission() ?? null,
    };
    this.offs.push(
      store.subscribe(() => this.sync()),
      o.presence.onChange(() => this.sync()),
      store.api.on('session.attention', (e) => this.onAttention(e)),
      store.api.on('settings.changed', (v) => (this.settings = v.settings.notifications)),
    );
    this.sync();
  }

  dispose(): void {
    for (const off of this.offs.splice(0)) off();
    this.listeners.clear();
  }

  // --- the React side (useSyncExternalStore)
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };
  getSnapshot = (): AttentionState => this.state;

  private set(patch: Partial<AttentionState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  /** The session the window shows (null: none, or the settings screen covers it). */
  setShown(id: string | null): void {
    this.shown = id;
    this.sync();
  }

  /** The agent's terminal printed something (after its attach redraw). */
  agentOutput(sessionId: string): void {
    if (sessionId === this.state.onScreen || this.state.outputUnread.has(sessionId)) return;
    this.set({ outputUnread: new Set([...this.state.outputUnread, sessionId]) });
  }

  /** Whether the session has something the person has not seen. */
  isUnread(view: SessionView, state: AttentionState = this.state): boolean {
    if (view.id === state.onScreen) return false;
    return state.outputUnread.has(view.id) || view.summary?.unread === true;
  }

  /** Shows the session on its agent's terminal, with the keyboard there. */
  focusSession(id: string): void {
    const key = this.store.focusAgent(id);
    // The terminal is drawn with the new selection; focus it once React has rendered that.
    if (key) setTimeout(() => terminalHandle(key)?.term.focus(), 0);
  }

  /** From a click: browsers only let a user gesture ask. */
  async requestPermission(): Promise<void> {
    if (!this.o.notifier) return;
    this.set({ permission: await this.o.notifier.request() });
  }

  private sync(): void {
    const { sessions, connection } = this.store.getSnapshot();
    // Only the browser demo notifies from here; in the app, main reads the settings itself.
    const open = connection.state === 'open';
    if (this.o.notifier && open && connection.epoch !== this.settingsEpoch) {
      this.settingsEpoch = connection.epoch;
      this.store.api.call('settings.get', {}).then(
        (v) => (this.settings = v.settings.notifications),
        // Unreadable settings: the defaults decide (the settings screen shows why).
        () => {},
      );
    }
    const title = windowTitle(countNeedingYou(sessions.flatMap((s) => s.summary ?? [])));
    if (this.o.doc.title !== title) this.o.doc.title = title;

    // Main re-checks its own focus; telling it on every focus change lets it withdraw a
    // notification the person has now seen.
    const report = `${this.shown}:${this.o.presence.focused()}`;
    if (this.o.desktop && report !== this.reported) {
      this.reported = report;
      this.o.desktop.showingSession(this.shown);
    }

    const onScreen = this.o.presence.visible() ? this.shown : null;
    let { outputUnread } = this.state;
    if (onScreen && outputUnread.has(onScreen)) {
      outputUnread = new Set([...outputUnread].filter((id) => id !== onScreen));
    }
    if (onScreen !== this.state.onScreen || outputUnread !== this.state.outputUnread) {
      this.set({ onScreen, outputUnread });
    }
    // A notice about the session now on screen has said its piece.
    const stale = this.store
      .getSnapshot()
      .notices.find((n) => onScreen && n.sessionId === onScreen);
    if (stale) this.store.dismissNotice(stale.id);
    const summary = onScreen ? sessions.find((s) => s.id === onScreen)?.summary : null;
    if (summary?.unread && !this.askedSeen.has(summary)) {
      this.askedSeen.add(summary);
      this.store.api.call('sessions.markSeen', { id: summary.id }).catch(() => {
        // The mark stays; the next report of this session asks again.
      });
    }
  }

  private onAttention(e: AttentionEvent): void {
    const notifier = this.o.notifier;
    if (!notifier) return;
    const text = attentionNotification(e, this.settings);
    if (!text) return;
    if (notifier.permission() === 'granted') {
      // The system's notification reaches a person working in another window, too.
      if (this.shown === e.sessionId && this.o.presence.focused()) return;
      notifier.show({ ...text, tag: `clave-${e.sessionId}` }, () => {
        this.o.focusWindow();
        this.focusSession(e.sessionId);
      });
      return;
    }
    // A notice in the page is read only in the page, where that session's own state shows.
    if (this.state.onScreen === e.sessionId) return;
    const level = e.state === 'needs-input' || e.state === 'error' ? 'warn' : 'info';
    this.store.notify(level, text.title, { what: text.body }, e.sessionId);
  }
}

/** The window's attention: the browser's notifications in the demo, main's in the app. */
export function windowAttention(store: SessionStore, win: Window): Attention {
  const desktop = win.claveDesktop;
  return new Attention(store, {
    presence: documentPresence(win),
    notifier: desktop
      ? null
      : browserNotifier((win as { Notification?: NotificationApi }).Notification),
    ...(desktop ? { desktop } : {}),
    doc: win.document,
    focusWindow: () => win.focus(),
  });
}
