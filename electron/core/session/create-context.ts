// A session's context: new (its names come once ValidateProject found the git root), or adopted
// from a record a previous host left (teardown and re-attach work from that alone). Everything
// the session makes goes on the ledger first (cleanup trusts nothing else).
import type { OnExit, SessionBackend } from '../../../shared/session';
import { loadProjectConfig, ProjectConfig } from '../config/project-config';
import type { Settings } from '../config/settings';
import type { SessionRecord } from '../store/sessions-repository';
import type { StandbyFacts } from '../store/standby-facts';
import { recordingDeps } from './cleanup/recording';
import type { SessionContext } from './context';
import type { SessionDeps } from './deps';
import { projectSlug, sessionNames } from './naming';
import { NO_VM } from './records';
import { emptyResources } from './resources';

export interface ContextInput {
  id: string;
  projectDir: string;
  onExit: OnExit | null;
  signal: AbortSignal;
  settings: Settings;
  /** The record of a session this host adopts (re-attach, or teardown after a crash). */
  record?: SessionRecord;
  /** The record is a kept session starting again: its steps make everything anew. */
  resumed?: boolean;
  /** Tells the faces the record changed. */
  publish(id: string): void;
  /**
   * Where the VM runs when the request (or the kept record being resumed) says so; ChooseBackend
   * decides in preflight (this, else .clave.json, else the setting).
   */
  backend?: SessionBackend;
  /** Made ahead as a hidden standby of the pool (saved so from its first record on). */
  standby?: StandbyFacts;
}

export function createContext(hostDeps: SessionDeps, input: ContextInput): SessionContext {
  const { id, projectDir, onExit, record, publish } = input;
  let saved = Boolean(record);
  const state: SessionContext['state'] = record
    ? { ...record }
    : {
        id,
        projectDir,
        projectName: projectSlug(projectDir),
        onExit,
        baseBranch: null,
        baseCommit: null,
        branch: null,
        worktreeDir: null,
        ...NO_VM,
        warnings: [],
        error: null,
        standby: input.standby ?? null,
        warm: false,
        backend: input.backend ?? input.settings.backend.kind,
        worker: null,
        syncedAt: null,
        services: null,
      };
  // Its VMs go through the runtime of its backend (asked on each use: preflight chooses it).
  const deps = recordingDeps(hostDeps, id, () => state.backend);
  const ctx: SessionContext = {
    id,
    requestedBackend: input.backend ?? null,
    get projectDir() {
      return state.projectDir;
    },
    // A record's projectDir is the git root already (it is saved after ValidateProject).
    names: record ? sessionNames(record.projectDir, id) : null,
    settings: input.settings,
    projectConfig: ProjectConfig.parse({}),
    deps,
    signal: input.signal,
    onExit,
    reattached: Boolean(record) && !input.resumed,
    state,
    live: emptyResources(),
    services: null,
    auth: null,
    resumeConversation: null,
    carried: null,
    update: (patch) => {
      Object.assign(state, patch);
      if (saved) {
        deps.sessions.update(id, patch);
        publish(id);
      }
    },
    save: () => {
      ctx.projectConfig = loadProjectConfig(ctx.projectDir);
      deps.sessions.create({
        id,
        projectDir: ctx.projectDir,
        projectName: state.projectName,
        onExit,
      });
      saved = true;
      const { id: _i, projectDir: _p, projectName: _n, onExit: _o, ...rest } = state;
      deps.sessions.update(id, { ...rest, projectDir: ctx.projectDir });
      publish(id);
    },
    warn: (problem) => {
      ctx.update({ warnings: [...state.warnings, problem] });
    },
  };
  return ctx;
}
