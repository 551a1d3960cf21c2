// What the renderer's store holds, as the faces read it: the sessions the host reports, the
// terminal tabs open, the exit decision in progress, notices. The store (sessions.ts) changes it.
import type { ExitInfo, StopResult, TerminalKind } from '../../../shared/api';
import type { OnExit, Problem, SessionState, SessionSummary } from '../../../shared/session';
import type { ConnectionStatus } from '../api/connection';
import type { PipelineView } from './progress';

export interface SessionView {
  id: string;
  projectDir: string;
  projectName: string;
  state: SessionState;
  /** The host's latest summary; null while only progress events have arrived. */
  summary: SessionSummary | null;
  pipelines: PipelineView[];
  /** Why the session failed: the failing step (when known) and the host's Problem. */
  failure: { step: string | null; label: string | null; problem: Problem } | null;
  /** ms since the epoch. */
  startedAt: number;
  endedAt: number | null;
}

export interface TabView {
  key: string;
  sessionId: string;
  kind: Extract<TerminalKind, 'agent' | 'shell'>;
  title: string;
  /** Set when the remote side ended (exit code, or null when unknown). */
  exited: { code: number | null } | null;
}

export interface SessionTabs {
  tabs: TabView[];
  active: string | null;
}

export type ExitPhase = 'loading' | 'choose' | 'stopping' | 'result';

export interface ExitPrompt {
  sessionId: string;
  /** Kept here: the session leaves the list as soon as the host has ended it. */
  projectName: string;
  worktreeDir: string | null;
  baseBranch: string | null;
  reason: 'agent-exited' | 'user';
  phase: ExitPhase;
  info: ExitInfo | null;
  decision: OnExit | null;
  /** The button the person came for (a kept session's Merge or Discard): it gets the focus. */
  intent: OnExit | null;
  /** Merge as one commit on the base branch, with `message`, instead of a merge commit. */
  squash: boolean;
  /** The squash commit's message, prefilled as the host would make it (editable). */
  message: string;
  force: boolean;
  result: StopResult | null;
  /** A failed call (exitInfo or stop) as the host's Problem. */
  error: Problem | null;
}

export interface Notice {
  id: number;
  level: 'info' | 'warn' | 'error';
  text: string;
  detail?: string;
  /** The session it is about: the notice offers to show it. */
  sessionId?: string;
}

export interface StoreState {
  connection: ConnectionStatus;
  sessions: SessionView[];
  selectedId: string | null;
  tabs: Record<string, SessionTabs>;
  exitPrompt: ExitPrompt | null;
  /** Sessions waiting for their exit decision while another one is asked. */
  exitQueue: { sessionId: string; reason: ExitPrompt['reason'] }[];
  /** The last start that the host refused outright (bad arguments), shown next to the form. */
  startError: Problem | null;
  starting: boolean;
  notices: Notice[];
  /** Bumped to move focus to the "new session" field (⌘N). */
  newSessionRequest: number;
  /** The find bar over the active terminal (⌘F). */
  searchOpen: boolean;
  /** Sessions whose changes view is open (it watches the copy while open). */
  changesOpen: string[];
  /** Kept sessions whose resume is under way: a second click starts nothing. */
  resuming: string[];
}

export const initialState = (connection: ConnectionStatus): StoreState => ({
  connection,
  sessions: [],
  selectedId: null,
  tabs: {},
  exitPrompt: null,
  exitQueue: [],
  startError: null,
  starting: false,
  notices: [],
  newSessionRequest: 0,
  searchOpen: false,
  changesOpen: [],
  resuming: [],
});
