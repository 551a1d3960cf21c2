// The agent's state, derived only from Claude Code's hook events (never from its output): a pure
// function from what is known and one event to what is known next, and whether the person
// should hear of it.
import type { AgentState, AgentStatus } from '../../../../shared/session';
import { CONTROL_CHARS } from '../../../../shared/text';
import type { HookPayload, SpoolEvent } from './spool-line';

export interface AgentView {
  status: AgentStatus;
  claudeSessionId: string | null;
  unread: boolean;
}

export interface Step {
  view: AgentView;
  /** Something a face shows changed (state, detail or the Claude session id). */
  changed: boolean;
  /** The state became one that may need the person: faces decide whether to notify. */
  attention: boolean;
}

/** The events the state machine reads: the hook's, and the agent's tmux session being gone. */
export type AgentEvent = SpoolEvent | { ts: number; hook: 'TmuxGone' };

const MAX_DETAIL = 200;
/** Notification types that mean a dialog (or Claude's idle reminder) waits for the person. */
const ASKING = new Set(['permission_prompt', 'elicitation_dialog', 'idle_prompt']);
/** The tool whose dialog asks the person a question and waits. */
const ASK_TOOL = 'AskUserQuestion';

export function startingView(now: Date): AgentView {
  return {
    status: { state: 'starting', since: now.toISOString(), detail: null },
    claudeSessionId: null,
    unread: false,
  };
}

/** `view` after `event`. */
export function applyEvent(view: AgentView, event: AgentEvent): Step {
  const next = target(view, event);
  if (!next) return { view, changed: false, attention: false };
  const { state, detail } = next;
  const sessionId = next.sessionId ?? view.claudeSessionId;
  const entered = state !== view.status.state;
  // idle after SessionStart is "ready", nothing to tell; idle after a turn (Stop) is.
  const attention =
    entered &&
    (state === 'needs-input' || state === 'error' || state === 'exited' || next.turnEnded === true);
  const status: AgentStatus = {
    state,
    since: entered ? new Date(event.ts).toISOString() : view.status.since,
    detail: clip(detail),
  };
  const changed =
    entered || status.detail !== view.status.detail || sessionId !== view.claudeSessionId;
  return {
    view: { status, claudeSessionId: sessionId, unread: view.unread || attention },
    changed,
    attention,
  };
}

interface Target {
  state: AgentState;
  detail: string | null;
  sessionId?: string;
  turnEnded?: boolean;
}

function target(view: AgentView, e: AgentEvent): Target | null {
  if (e.hook === 'TmuxGone')
    return view.status.state === 'exited'
      ? null
      : { state: 'exited', detail: "the agent's terminal session ended" };
  const d = e.data;
  switch (e.hook) {
    case 'SessionStart':
      return {
        state: 'idle',
        detail: 'ready',
        ...(d.session_id ? { sessionId: d.session_id } : {}),
      };
    case 'UserPromptSubmit':
      return { state: 'working', detail: null };
    case 'PreToolUse':
      if (d.tool_name === ASK_TOOL) return { state: 'needs-input', detail: question(d) };
      return { state: 'working', detail: toolSummary(d) };
    case 'PostToolUse':
      return { state: 'working', detail: d.tool_name === ASK_TOOL ? null : toolSummary(d) };
    case 'Notification':
      if (!d.notification_type || !ASKING.has(d.notification_type)) return null;
      return { state: 'needs-input', detail: d.message ?? d.notification_type };
    case 'PermissionRequest':
      // The question box opening (2.1.332 sends PermissionRequest for it too): still the question.
      if (d.tool_name === ASK_TOOL) return { state: 'needs-input', detail: question(d) };
      return { state: 'needs-input', detail: `Permission: ${toolSummary(d) ?? 'a tool'}` };
    case 'Stop':
      return { state: 'idle', detail: firstLine(d.last_assistant_message), turnEnded: true };
    case 'StopFailure':
      return {
        state: 'error',
        detail: [d.error, firstLine(d.last_assistant_message)].filter(Boolean).join(': ') || null,
      };
    case 'SessionEnd':
      // /clear ends one conversation and starts the next at once (SessionStart follows).
      if (d.reason === 'clear') return null;
      return { state: 'exited', detail: d.reason ?? null };
  }
}

/** "Edit app/Models/User.php", "Bash php artisan test": the tool and what it works on. */
export function toolSummary(d: HookPayload): string | null {
  if (!d.tool_name) return null;
  const input = (
    typeof d.tool_input === 'object' && d.tool_input !== null ? d.tool_input : {}
  ) as Record<string, unknown>;
  const subject = [
    'file_path',
    'notebook_path',
    'command',
    'pattern',
    'url',
    'query',
    'description',
  ]
    .map((k) => input[k])
    .find((v): v is string => typeof v === 'string' && v.length > 0);
  if (!subject) return d.tool_name;
  return `${d.tool_name} ${firstLine(relativeTo(d.cwd, subject))}`;
}

function question(d: HookPayload): string {
  const input = d.tool_input as { questions?: { question?: unknown }[] } | undefined;
  const q = input?.questions?.[0]?.question;
  return typeof q === 'string' && q ? q : 'Claude has a question';
}

function relativeTo(cwd: string | undefined, p: string): string {
  return cwd && p.startsWith(`${cwd}/`) ? p.slice(cwd.length + 1) : p;
}

function firstLine(s: string | undefined): string | null {
  const line = s
    ?.split('\n')
    .find((l) => l.trim())
    ?.trim();
  return line ? line : null;
}

/** A detail is printed by faces (a terminal too): no control characters, a bounded length. */
function clip(s: string | null): string | null {
  if (s === null) return null;
  const clean = s.replace(new RegExp(CONTROL_CHARS.source, 'g'), ' ');
  const chars = [...clean];
  return chars.length > MAX_DETAIL ? `${chars.slice(0, MAX_DETAIL - 1).join('')}…` : clean;
}
