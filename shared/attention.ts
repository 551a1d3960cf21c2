// When a session needs the person, stated once for every face (the window and its title, the
// tray's badge and menu, notifications): which sessions count, how each agent state reads, and
// which attention events notify under the person's settings.
import type { EventPayload } from './api';
import type { AgentState, SessionSummary } from './session';
import type { NotificationSettings } from './settings';

export type AttentionEvent = EventPayload<'session.attention'>;

/** How an agent state reads in a list, a badge or a menu. */
export const AGENT_STATE_LABEL: Record<AgentState, string> = {
  starting: 'starting Claude',
  working: 'working',
  'needs-input': 'needs input',
  idle: 'idle',
  error: 'error',
  exited: 'Claude exited',
};

/** A live session whose agent waits on the person (a permission, a question, idle_prompt). */
export function needsYou(s: SessionSummary): boolean {
  return s.state === 'running' && s.agent?.state === 'needs-input';
}

export function countNeedingYou(sessions: readonly SessionSummary[]): number {
  return sessions.filter(needsYou).length;
}

/** Sessions needing the person first; the others keep their order (the sort is stable). */
export function needingYouFirst<T>(
  items: readonly T[],
  summaryOf: (t: T) => SessionSummary | null,
) {
  const rank = (t: T) => {
    const s = summaryOf(t);
    return s && needsYou(s) ? 0 : 1;
  };
  return [...items].sort((a, b) => rank(a) - rank(b));
}

/** The window's title: what a glance at the Dock, the window list or a browser tab tells. */
export function windowTitle(needingYou: number): string {
  return needingYou > 0 ? `Clave — ${needingYou} need${needingYou === 1 ? 's' : ''} you` : 'Clave';
}

const SETTING_FOR: Partial<Record<AgentState, keyof NotificationSettings>> = {
  'needs-input': 'needsInput',
  idle: 'idle',
  error: 'error',
  exited: 'exited',
};

/** The notification an attention event raises under `enabled`, or null when it raises none. */
export function attentionNotification(
  e: AttentionEvent,
  enabled: NotificationSettings,
): { title: string; body: string } | null {
  const setting = SETTING_FOR[e.state];
  if (!setting || !enabled[setting]) return null;
  const title =
    e.state === 'needs-input'
      ? `${e.projectName} needs you`
      : e.state === 'idle'
        ? `${e.projectName} finished its turn`
        : e.state === 'error'
          ? `${e.projectName}: the turn failed`
          : `${e.projectName}: Claude exited`;
  const fallback =
    e.state === 'idle'
      ? 'Claude is waiting for your next prompt.'
      : e.state === 'error'
        ? 'Claude stopped on an API error.'
        : e.state === 'exited'
          ? 'Keep, merge or discard its work.'
          : 'Claude is waiting for your answer.';
  return { title, body: e.detail?.trim() || fallback };
}
