// The one definition of Clave's API: every request method and pushed event, as zod schemas.
// Transports (Electron IPC, WebSocket, the CLI's local socket) only move these messages;
// receivers validate with the same schemas, so no face can send the host something malformed.
import { z } from 'zod';
import { CONTROL_CHARS } from './text';
import {
  AgentState,
  OnExit,
  PipelineEvent,
  Problem,
  SessionBackend,
  SessionId,
  SessionSummary,
} from './session';
import { FieldError, PoolSettings, Settings, SettingsPatch } from './settings';

export const AppInfo = z.object({
  name: z.literal('Clave'),
  version: z.string(),
  platform: z.string(),
  face: z.enum(['electron', 'web', 'cli']),
});
export type AppInfo = z.infer<typeof AppInfo>;

const NoParams = z.object({}).strict();
const TerminalId = z.string().min(1).max(64);
/** Input and exec commands cross in pieces of at most this many characters (faces split pastes). */
export const MAX_TERMINAL_CHARS = 256 * 1024;
const Size = { cols: z.number().int().min(2).max(1000), rows: z.number().int().min(2).max(500) };

/** A commit on the session branch that the base does not have. */
export const Commit = z.object({
  sha: z.string(),
  subject: z.string(),
  /** The message after the subject line. */
  body: z.string(),
  author: z.string(),
  /** ISO time. */
  date: z.string(),
});
export type Commit = z.infer<typeof Commit>;

/** A file that differs between the base commit and the session copy as it is now. */
export const ChangedFile = z.object({
  path: z.string(),
  /** For a rename or copy: where it came from. */
  oldPath: z.string().nullable(),
  status: z.enum(['added', 'modified', 'deleted', 'renamed', 'copied', 'typechange', 'untracked']),
  /** Null for a binary file. */
  additions: z.number().int().nullable(),
  deletions: z.number().int().nullable(),
  binary: z.boolean(),
  /** Part of the change is not committed yet (or the file is untracked). */
  uncommitted: z.boolean(),
});
export type ChangedFile = z.infer<typeof ChangedFile>;

export const Changes = z.object({
  sessionId: z.string(),
  base: z.object({
    branch: z.string().nullable(),
    commit: z.string().nullable(),
    /** The base branch has commits the session started without. */
    moved: z.boolean(),
  }),
  files: z.array(ChangedFile),
  /** More files changed than are listed (the list is capped); `files` holds the first ones. */
  truncated: z.boolean(),
  additions: z.number().int(),
  deletions: z.number().int(),
  /** Newest first. */
  commits: z.array(Commit),
});
export type Changes = z.infer<typeof Changes>;

export const FileDiff = z.object({
  path: z.string(),
  /** Unified diff (git's format) of the base against the copy as it is now; empty for binary. */
  diff: z.string(),
  binary: z.boolean(),
  /** The diff was cut at the size limit; `totalBytes` says how big it is. */
  truncated: z.boolean(),
  totalBytes: z.number().int(),
});
export type FileDiff = z.infer<typeof FileDiff>;

export const ExitInfo = z.object({
  branch: z.string().nullable(),
  baseBranch: z.string().nullable(),
  uncommittedFiles: z.array(z.string()),
  commitsAhead: z.number().int(),
  /** Files that differ from the base, and their line counts. */
  filesChanged: z.number().int(),
  additions: z.number().int(),
  deletions: z.number().int(),
  baseMoved: z.boolean(),
  /** The commits ahead, newest first: a squash merge's message is prefilled from them. */
  commits: z.array(Commit),
});
export type ExitInfo = z.infer<typeof ExitInfo>;

export const StopResult = z.object({
  /** What happened to the session copy: merged and removed, kept, or discarded. */
  outcome: z.enum(['kept', 'merged', 'discarded']),
  /** Set when the requested decision could not be carried out (conflict, unmerged work): the copy was kept. */
  problem: Problem.nullable(),
  /** Teardown parts that failed; the others still ran. */
  teardownProblems: z.array(Problem),
});
export type StopResult = z.infer<typeof StopResult>;

export const TerminalKind = z.enum(['agent', 'shell', 'exec']);
export type TerminalKind = z.infer<typeof TerminalKind>;

export const AuthStatus = z.object({
  method: z.enum(['api-key', 'oauth-token', 'none']),
  source: z.enum(['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN', 'stored', 'none']),
});
export type AuthStatus = z.infer<typeof AuthStatus>;

/** One thing in Clave's ledger, what cleanup does with it, and why. */
export const CleanupItem = z.object({
  kind: z.enum(['vm', 'proxy', 'port', 'copy', 'snapshot']),
  /** The VM or proxy name, the port number, or the copy's or dependency snapshot's folder. */
  name: z.string(),
  sessionId: z.string().nullable(),
  ledgerId: z.number().int(),
  /**
   * remove: Clave made it and nothing uses it; forget: it is gone already, only its ledger entry
   * goes; keep: left alone (a kept copy, a copy holding work, a proxy the person re-pointed).
   */
  action: z.enum(['remove', 'forget', 'keep']),
  /** Why it is Clave's, and what was checked: "created by session … ledger entry #12; …". */
  reason: z.string(),
});
export type CleanupItem = z.infer<typeof CleanupItem>;

export const CleanupReport = z.object({
  items: z.array(CleanupItem),
  /** Sessions of a previous host torn down first (not in a dry run). */
  staleRecords: z.array(z.string()),
  /** Projects whose standby session (warm start) goes too: Clave made it ahead, nobody uses it. */
  standbys: z.array(z.string()),
  dryRun: z.boolean(),
  problems: z.array(Problem),
});
export type CleanupReport = z.infer<typeof CleanupReport>;

/** ok; warn: works, but something will bite; fail: Clave cannot work so; skip: not applicable here. */
export const DoctorStatus = z.enum(['ok', 'warn', 'fail', 'skip']);
export type DoctorStatus = z.infer<typeof DoctorStatus>;

export const DoctorCheck = z.object({
  id: z.string(),
  name: z.string(),
  status: DoctorStatus,
  detail: z.string(),
  /** The exact fix, for warn and fail. */
  fix: z.string().optional(),
});
export type DoctorCheck = z.infer<typeof DoctorCheck>;

export const SettingsView = z.object({
  /** Where the settings live (settings.json in the data dir). */
  file: z.string(),
  /** What a session started now gets: the file, defaults, then environment overrides. */
  settings: Settings,
  /** What the file itself holds (unset fields take their defaults). */
  fileValues: z.record(z.string(), z.unknown()),
  /** Environment variables that win over the file for a field. */
  overrides: z.array(z.object({ env: z.string(), path: z.string() })),
});
export type SettingsView = z.infer<typeof SettingsView>;

export const SettingsUpdateResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), view: SettingsView }),
  /** Nothing was written. */
  z.object({ ok: z.literal(false), errors: z.array(FieldError) }),
]);
export type SettingsUpdateResult = z.infer<typeof SettingsUpdateResult>;

/** Progress of building the base VM (the core's ProvisionEvent is this type). */
export const ProvisionEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('phase'),
    phase: z.string(),
    message: z.string(),
    fraction: z.number(),
  }),
  z.object({
    type: z.literal('step'),
    index: z.number(),
    total: z.number(),
    id: z.string(),
    title: z.string(),
    fraction: z.number(),
  }),
  z.object({ type: z.literal('output'), source: z.enum(['tart', 'guest']), line: z.string() }),
  z.object({ type: z.literal('cleanup'), message: z.string() }),
]);
export type ProvisionEvent = z.infer<typeof ProvisionEvent>;

export const ProvisionResult = z.object({
  outcome: z.enum(['created', 'rebuilt', 'updated', 'exists']),
  baseVm: z.string(),
  logFile: z.string().nullable(),
  seconds: z.number(),
});

/** The warm-start pool: standby sessions prepared ahead for the most recently started projects. */
export const PoolStatus = z.object({
  /** pool.size: how many projects get a standby (0: off). */
  size: z.number().int(),
  /** pool.maxVms: the VM budget standbys stay within (sessions included). */
  maxVms: z.number().int(),
  ready: z.number().int(),
  booting: z.number().int(),
  /** VMs this host holds now: sessions and standbys. */
  vms: z.number().int(),
  standbys: z.array(z.object({ projectDir: z.string(), state: z.enum(['booting', 'ready']) })),
  /** Why the last standby could not be made, if it could not. */
  problem: Problem.nullable(),
});
export type PoolStatus = z.infer<typeof PoolStatus>;

/** The Orchard controller sessions may run on (settings `backend.orchard`, or the environment). */
export const OrchardStatus = z.object({
  /** A URL, an account and its token are known. */
  configured: z.boolean(),
  url: z.string().nullable(),
  serviceAccount: z.string().nullable(),
  /** Where they come from: settings.json + the secret store, or $CLAVE_ORCHARD_URL/_ACCOUNT. */
  source: z.enum(['settings', 'env', 'none']),
  /** Whether the controller answered with these credentials (null: not asked). */
  reachable: z.boolean().nullable(),
  /** Why it cannot be used, when it cannot. */
  problem: Problem.nullable(),
});
export type OrchardStatus = z.infer<typeof OrchardStatus>;

export const methods = {
  'app.info': { params: NoParams, result: AppInfo },
  'sessions.list': { params: NoParams, result: z.array(SessionSummary) },
  'sessions.get': { params: z.object({ id: SessionId }).strict(), result: SessionSummary },
  'sessions.start': {
    params: z
      .object({
        projectDir: z
          .string()
          .min(1)
          .max(4096)
          .refine((p) => !CONTROL_CHARS.test(p), 'no line breaks or other control characters'),
        onExit: OnExit.optional(),
        /** Resolve only when the session runs (or reject with the failing step's problem). */
        wait: z.boolean().optional(),
        /** Where the VM runs; default: the project's .clave.json, else the setting. */
        backend: SessionBackend.optional(),
      })
      .strict(),
    result: SessionSummary,
  },
  'sessions.exitInfo': { params: z.object({ id: SessionId }).strict(), result: ExitInfo },
  'sessions.stop': {
    params: z
      .object({
        id: SessionId,
        onExit: OnExit.optional(),
        force: z.boolean().optional(),
        /** With merge: one commit on the base branch instead of a merge commit. */
        squash: z.boolean().optional(),
        /** The squash commit's message (default: made from the session's commits). */
        message: z.string().min(1).max(20_000).optional(),
      })
      .strict(),
    result: StopResult,
  },
  /** A kept session gets a fresh VM on its copy, and its agent resumes the saved conversation. */
  'sessions.resume': {
    params: z.object({ id: SessionId, wait: z.boolean().optional() }).strict(),
    result: SessionSummary,
  },
  /**
   * Brings the VM's work (commits and uncommitted files) into the session copy now. Orchard only:
   * a shared copy (Tart) is always in sync, and says so with its current time.
   */
  'sessions.sync': {
    params: z.object({ id: SessionId }).strict(),
    result: z.object({ syncedAt: z.string() }),
  },
  /** A face showed this session to the person: its unread mark goes. */
  'sessions.markSeen': { params: z.object({ id: SessionId }).strict(), result: z.null() },
  'changes.get': { params: z.object({ id: SessionId }).strict(), result: Changes },
  'changes.diff': {
    params: z.object({ id: SessionId, path: z.string().min(1).max(4096) }).strict(),
    result: FileDiff,
  },
  /**
   * `git diff --stat` of the same range as changes.get (the base commit against the copy as it is
   * now, untracked files as if added), as git prints it `width` columns wide (default 80).
   */
  'changes.stat': {
    params: z
      .object({
        id: SessionId,
        paths: z.array(z.string().min(1).max(4096)).max(1000).optional(),
        width: z.number().int().min(20).max(1000).optional(),
      })
      .strict(),
    result: z.string(),
  },
  /** While on, this client gets `changes.updated` when the session's copy changes. */
  'changes.watch': {
    params: z.object({ id: SessionId, on: z.boolean() }).strict(),
    result: z.null(),
  },
  'sessions.cleanup': {
    params: z.object({ dryRun: z.boolean().optional() }).strict(),
    result: CleanupReport,
  },
  'terminal.open': {
    params: z
      .object({
        sessionId: SessionId,
        kind: TerminalKind,
        /** For `exec`: the command, as an argument array (quoted for the VM's shell by the host). */
        command: z
          .array(z.string().max(100_000))
          .max(1000)
          .refine(
            (a) => a.join('').length <= MAX_TERMINAL_CHARS,
            `at most ${MAX_TERMINAL_CHARS} characters in all`,
          )
          .optional(),
        pty: z.boolean().optional(),
        ...Size,
      })
      .strict(),
    result: z.object({ terminalId: TerminalId }),
  },
  'terminal.write': {
    params: z.object({ terminalId: TerminalId, data: z.string().max(MAX_TERMINAL_CHARS) }).strict(),
    result: z.null(),
  },
  'terminal.resize': {
    params: z.object({ terminalId: TerminalId, ...Size }).strict(),
    result: z.null(),
  },
  /** Flow control: the face has rendered this many more bytes of output; the host may send more. */
  'terminal.ack': {
    params: z.object({ terminalId: TerminalId, bytes: z.number().int().min(0) }).strict(),
    result: z.null(),
  },
  'terminal.close': { params: z.object({ terminalId: TerminalId }).strict(), result: z.null() },
  'auth.status': { params: NoParams, result: AuthStatus },
  'auth.clear': { params: NoParams, result: z.null() },
  'doctor.run': { params: NoParams, result: z.array(DoctorCheck) },
  'settings.get': { params: NoParams, result: SettingsView },
  /** Applies to sessions started afterwards; running sessions keep the settings they began with. */
  'settings.update': {
    params: z
      .object({
        patch: SettingsPatch.refine(
          (p) => JSON.stringify(p).length <= 64_000,
          'a settings change is at most 64 kB',
        ),
      })
      .strict(),
    result: SettingsUpdateResult,
  },
  'pool.get': { params: NoParams, result: PoolStatus },
  /** Where Orchard sessions would run, and whether the controller answers (`probe`). */
  'orchard.status': {
    params: z.object({ probe: z.boolean().optional() }).strict(),
    result: OrchardStatus,
  },
  /**
   * Checks the controller with these credentials, then saves URL and account in settings.json and
   * the token in the secret store. Nothing is saved when the controller refuses them.
   */
  'orchard.connect': {
    params: z
      .object({
        url: z.string().url().max(2048),
        serviceAccount: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/),
        token: z.string().min(1).max(4096),
      })
      .strict(),
    result: OrchardStatus,
  },
  /** Forgets the stored token (settings.json keeps URL and account). */
  'orchard.disconnect': { params: NoParams, result: OrchardStatus },
  /** Sets pool.size / pool.maxVms in settings.json (as settings.update does) and refills. */
  'pool.set': {
    params: z
      .object({
        size: PoolSettings.shape.size.unwrap().optional(),
        maxVms: PoolSettings.shape.maxVms.unwrap().optional(),
      })
      .strict(),
    result: PoolStatus,
  },
  /** Builds (or with force, rebuilds; with update, upgrades) the base VM; progress as events. */
  'provision.start': {
    params: z
      .object({
        force: z.boolean().optional(),
        update: z.boolean().optional(),
        image: z.string().max(300).optional(),
      })
      .strict(),
    result: ProvisionResult,
  },
  /** Interrupts the running provision: its temporary VM is removed, the base left as it was. */
  'provision.cancel': { params: NoParams, result: z.object({ cancelled: z.boolean() }) },
} as const;

export const events = {
  'app.notice': z.object({ level: z.enum(['info', 'warn', 'error']), message: z.string() }),
  'session.updated': SessionSummary,
  'session.progress': z.object({ sessionId: z.string(), event: PipelineEvent }),
  /** The agent ended by itself (e.g. /exit): faces ask keep / merge / discard. */
  'session.agentExited': z.object({ sessionId: z.string() }),
  /**
   * The agent reached a state that may need the person (needs-input, idle, error, exited): sent
   * once per hook event, never again after a host restart. Faces decide whether to notify.
   */
  'session.attention': z.object({
    sessionId: z.string(),
    projectName: z.string(),
    state: AgentState,
    detail: z.string().nullable(),
  }),
  /** The session copy changed (only to clients watching it). */
  'changes.updated': z.object({ sessionId: z.string() }),
  /** Output as the VM wrote it: bytes, not text (a UTF-8 character may span two events). */
  'terminal.data': z.object({
    terminalId: z.string(),
    data: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'bytes'),
  }),
  'terminal.exit': z.object({ terminalId: z.string(), exitCode: z.number().nullable() }),
  'provision.progress': ProvisionEvent,
  /** A face saved settings: every face shows the new ones. */
  'settings.changed': SettingsView,
} as const;

export type MethodName = keyof typeof methods;
export type Params<M extends MethodName> = z.input<(typeof methods)[M]['params']>;
export type Result<M extends MethodName> = z.output<(typeof methods)[M]['result']>;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

/** What every face sees: the renderer as window.clave, the CLI and tests through a socket. */
export interface ClaveApi {
  call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** A request as it crosses a transport; validated on arrival before dispatch. */
export const Request = z.object({
  // An own property: `__proto__`, `constructor` or `toString` is no method.
  method: z.string().refine((m): m is MethodName => Object.hasOwn(methods, m), 'unknown method'),
  params: z.unknown(),
});

export function parseParams<M extends MethodName>(method: M, params: unknown): Params<M> {
  return methods[method].params.parse(params) as Params<M>;
}
