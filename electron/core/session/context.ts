// SessionContext: what flows through the pipelines and teardown for one session — its identity,
// what the steps found or made (persisted to the record as it happens, so a crash can be
// reconciled), and the live resources only this process holds (VM process, ssh, tunnel).
import type { OnExit, Problem } from '../../../shared/session';
import type { ProjectConfig } from '../config/project-config';
import type { Settings } from '../config/settings';
import type { SessionPatch, SessionRecord } from '../store/sessions-repository';
import type { SessionDeps } from './deps';
import type { ClaudeAuth } from './guest/claude-config';
import type { ServiceConfig } from './guest/laravel-env';
import type { SessionNames } from './naming';
import type { LiveResources } from './resources';

export interface SessionContext {
  readonly id: string;
  projectDir: string;
  readonly projectName: string;
  readonly names: SessionNames;
  readonly settings: Settings;
  projectConfig: ProjectConfig;
  readonly deps: SessionDeps;
  readonly signal: AbortSignal;
  onExit: OnExit | null;
  /** What is known so far; mirrors the record once saved. */
  readonly state: Omit<SessionRecord, 'state' | 'startedAt' | 'endedAt' | 'hasUnmergedWork'>;
  readonly live: LiveResources;
  services: ServiceConfig | null;
  gateway: string | null;
  auth: ClaudeAuth | null;
  /** Update what is known (and the record, once saved). */
  update(patch: SessionPatch): void;
  /** Create the record (SaveSession). */
  save(): void;
  warn(problem: Problem): void;
}
