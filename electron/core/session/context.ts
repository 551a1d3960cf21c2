// SessionContext: what flows through the pipelines and teardown for one session — its identity,
// what the steps found or made (persisted to the record as it happens, so a crash can be
// reconciled), and the live resources only this process holds (VM process, ssh, tunnel).
// What one step makes and a later one uses is read with need() (need.ts), never assumed.
import type { OnExit, Problem, SessionBackend } from '../../../shared/session';
import type { ProjectConfig } from '../config/project-config';
import type { Settings } from '../config/settings';
import type { SessionPatch, SessionRecord } from '../store/sessions-repository';
import type { SessionDeps } from './deps';
import type { ClaudeAuth } from './guest/claude-config';
import type { ServiceConfig } from './guest/laravel-env';
import type { CarriedSetup } from './steps/carry-claude-setup';
import type { SessionNames } from './naming';
import type { LiveResources } from './resources';
import type { NO_AGENT } from './records';

export interface SessionContext {
  readonly id: string;
  /** The folder the session was started from, then its git root (ValidateProject); = state's. */
  readonly projectDir: string;
  /** Derived from the git root once ValidateProject found it (null before). */
  names: SessionNames | null;
  readonly settings: Settings;
  /** The backend the request (or a resumed record) asks for; null lets ChooseBackend decide. */
  readonly requestedBackend: SessionBackend | null;
  projectConfig: ProjectConfig;
  readonly deps: SessionDeps;
  readonly signal: AbortSignal;
  onExit: OnExit | null;
  /**
   * Adopted from a record a previous host left (to re-attach or tear down): steps re-make what
   * the record names (the tunnel, its own proxy name) instead of making anything new.
   */
  readonly reattached: boolean;
  /** What is known so far; mirrors the record once saved. */
  readonly state: Omit<SessionRecord, 'state' | 'startedAt' | 'endedAt' | keyof typeof NO_AGENT>;
  readonly live: LiveResources;
  services: ServiceConfig | null;
  auth: ClaudeAuth | null;
  /**
   * The Claude conversation the agent resumes (`claude --resume <id>`): set once a kept session's
   * saved transcript is back in the VM (RestoreConversation); null starts a new conversation.
   */
  resumeConversation: string | null;
  /** The person's own Claude setup RunClaudeCode merges into the VM's config (null: none). */
  carried: CarriedSetup | null;
  /** Update what is known (and the record, once saved). */
  update(patch: SessionPatch): void;
  /** Create the record (SaveSession). */
  save(): void;
  warn(problem: Problem): void;
}
