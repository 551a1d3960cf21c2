// macOS notifications for agents that need the person (needs input, turn finished, error, exit),
// as the notification settings say, except for the session the person is looking at. Clicking
// one shows the window on that session's terminal.
import { Notification } from 'electron';
import type { ClaveApi } from '../../shared/api';
import { attentionNotification } from '../../shared/attention';
import type { AgentState } from '../../shared/session';
import type { NotificationSettings } from '../../shared/settings';

export interface AttentionNotifierOptions {
  api: ClaveApi;
  settings(): NotificationSettings;
  /** The session is shown in the focused window: the person sees its state change already. */
  onScreen(sessionId: string): boolean;
  focusSession(sessionId: string): void;
}

export interface AttentionNotifier {
  /** The person looks at the session now: its notification has said its piece. */
  withdraw(sessionId: string): void;
  dispose(): void;
}

export function notifyAttention(o: AttentionNotifierOptions): AttentionNotifier {
  // One notification per session, the latest: an older one only says what is no longer true.
  // Held here also because a notification nothing references is collected, and its click lost.
  const shown = new Map<string, { note: Notification; state: AgentState }>();
  const withdraw = (id: string) => shown.get(id)?.note.close();
  const offAttention = o.api.on('session.attention', (e) => {
    const text = attentionNotification(e, o.settings());
    if (!text || o.onScreen(e.sessionId) || !Notification.isSupported()) return;
    withdraw(e.sessionId);
    const note = new Notification({ title: text.title, body: text.body });
    shown.set(e.sessionId, { note, state: e.state });
    note.on('click', () => {
      o.focusSession(e.sessionId);
      note.close();
    });
    note.on('close', () => {
      if (shown.get(e.sessionId)?.note === note) shown.delete(e.sessionId);
    });
    note.show();
  });
  // Answered elsewhere (the CLI, another face) or ended: the notification is no longer true.
  const offUpdated = o.api.on('session.updated', (s) => {
    const notified = shown.get(s.id);
    if (notified && (s.state !== 'running' || s.agent?.state !== notified.state)) withdraw(s.id);
  });
  return {
    withdraw,
    dispose() {
      offAttention();
      offUpdated();
      for (const { note } of [...shown.values()]) note.close();
    },
  };
}
