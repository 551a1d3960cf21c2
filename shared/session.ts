// Session domain types every face agrees on: states, the exit decision, progress events.
import { z } from 'zod';

/** `kept`: the VM is gone, the session copy stays until the person merges or discards it. */
export const SessionState = z.enum(['starting', 'running', 'stopping', 'ended', 'failed', 'kept']);
export type SessionState = z.infer<typeof SessionState>;

/**
 * A session's id. Lower-case only: it ends up in a DNS name (`my-app-a1b2c3d4.test`) and a VM
 * name, where case is not preserved; 36^8 ≈ 2.8e12 ids keeps collisions out of reach.
 */
export const SESSION_ID_PATTERN = /^[a-z0-9]{8}$/;
export const SessionId = z
  .string()
  .regex(SESSION_ID_PATTERN, 'a session id is 8 lower-case letters/digits');

export const OnExit = z.enum(['keep', 'merge', 'discard']);
export type OnExit = z.infer<typeof OnExit>;

/** A failure or warning a person can act on: what happened, why, and what to do. */
export const Problem = z.object({
  what: z.string(),
  why: z.string().optional(),
  fix: z.string().optional(),
});
export type Problem = z.infer<typeof Problem>;

export const StepInfo = z.object({ name: z.string(), label: z.string() });

export const PipelineEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('pipeline-started'), pipeline: z.string(), steps: z.array(StepInfo) }),
  z.object({
    type: z.literal('step-started'),
    pipeline: z.string(),
    step: z.string(),
    label: z.string(),
  }),
  z.object({
    type: z.literal('step-hint'),
    pipeline: z.string(),
    step: z.string(),
    message: z.string(),
  }),
  z.object({
    type: z.literal('step-warning'),
    pipeline: z.string(),
    step: z.string(),
    problem: Problem,
  }),
  z.object({
    type: z.literal('step-finished'),
    pipeline: z.string(),
    step: z.string(),
    ms: z.number(),
  }),
  z.object({
    type: z.literal('step-failed'),
    pipeline: z.string(),
    step: z.string(),
    ms: z.number(),
    problem: Problem,
  }),
  z.object({ type: z.literal('pipeline-finished'), pipeline: z.string(), ms: z.number() }),
]);
export type PipelineEvent = z.infer<typeof PipelineEvent>;

/**
 * What the agent is doing, from Claude Code's own hooks (never guessed from its output):
 * starting → working (prompt submitted, tools running) → needs-input (a permission or question
 * dialog; idle_prompt) → idle (Stop: the turn ended, waiting for you) or error (StopFailure: the
 * turn ended on an API error after Claude's retries) → exited (SessionEnd, or tmux gone).
 */
export const AgentState = z.enum(['starting', 'working', 'needs-input', 'idle', 'error', 'exited']);
export type AgentState = z.infer<typeof AgentState>;

export const AgentStatus = z.object({
  state: AgentState,
  /** ISO time the state began. */
  since: z.string(),
  /** The notification's message, the last tool, or the API error. */
  detail: z.string().nullable(),
});
export type AgentStatus = z.infer<typeof AgentStatus>;

/** An MCP server on the Mac's localhost that the VM reaches through a reverse tunnel. */
export const McpTunnel = z.object({ name: z.string(), port: z.number().int() });
export type McpTunnel = z.infer<typeof McpTunnel>;

/** Where a session's VM runs (the setting's kinds; shared/settings.ts). */
export const SessionBackend = z.enum(['tart', 'orchard']);
export type SessionBackend = z.infer<typeof SessionBackend>;

/**
 * Where the session's MySQL and Redis are: the Mac's (through the VM's gateway), inside the VM,
 * or the Mac's through reverse tunnels over ssh (an Orchard worker cannot reach the Mac).
 */
export const ServicesMode = z.enum(['host', 'vm', 'tunnel']);
export type ServicesMode = z.infer<typeof ServicesMode>;

export const SessionSummary = z.object({
  id: z.string(),
  projectDir: z.string(),
  projectName: z.string(),
  state: SessionState,
  baseBranch: z.string().nullable(),
  branch: z.string().nullable(),
  worktreeDir: z.string().nullable(),
  vmName: z.string().nullable(),
  vmIp: z.string().nullable(),
  tunnelPort: z.number().nullable(),
  proxyName: z.string().nullable(),
  url: z.string().nullable(),
  /** Why there is no `.test` name (Herd missing or failing), when there is none. */
  urlNote: z.string().nullable(),
  warnings: z.array(Problem),
  error: Problem.nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  /** For a kept session: whether its copy holds uncommitted changes or commits not on the base branch. */
  hasUnmergedWork: z.boolean().nullable(),
  /** Null until Claude Code starts in the VM (and for kept sessions). */
  agent: AgentStatus.nullable(),
  /** Claude Code's own session id (SessionStart): what resume hands to `claude --resume`. */
  claudeSessionId: z.string().nullable(),
  /** The agent's state changed since a face last marked the session seen. */
  unread: z.boolean(),
  mcpTunnels: z.array(McpTunnel),
  /** Disk used by the session copy (kept sessions), when measured. */
  diskBytes: z.number().nullable(),
  /** Size of the saved conversation (kept sessions), when one was saved. */
  transcriptBytes: z.number().nullable(),
  /** The session began as a standby prepared ahead (warm start), not from a cold VM. */
  warm: z.boolean(),
  backend: SessionBackend,
  /** The Orchard worker the VM was scheduled on (null locally, and until it is scheduled). */
  worker: z.string().nullable(),
  /**
   * When the VM's work was last brought back into the session copy (Orchard: code travels by
   * git, so a lost VM loses what came after). Null for shared copies (Tart) and before the first.
   */
  syncedAt: z.string().nullable(),
  /** Null until the services were set up. */
  services: ServicesMode.nullable(),
});
export type SessionSummary = z.infer<typeof SessionSummary>;

/**
 * A stop whose teardown failed (a VM its controller would not delete): the record stays stopping,
 * with why, and the stop is no longer under way — asking again (or cleanup) finishes it.
 */
export function stopDidNotFinish(s: Pick<SessionSummary, 'state' | 'error'>): boolean {
  return s.state === 'stopping' && s.error !== null;
}
