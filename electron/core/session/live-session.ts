// What this host holds for one session it runs (or starts, or stops): its context and the
// watchers of a running session. The SessionHost keeps one per live session.
import type { StopResult } from '../../../shared/api';
import type { Problem } from '../../../shared/session';
import type { AgentWatcher } from './agent-watcher';
import type { AgentAttention } from './attention/agent-attention';
import type { SessionContext } from './context';
import type { ConnectionKeeper } from './reconnect';

export interface Live {
  ctx: SessionContext;
  abort: AbortController;
  started: Promise<void>;
  stopping: Promise<StopResult> | null;
  /** How teardown went when the start failed (a stop during the start returns it). */
  failedTeardown?: StopResult;
  /** Re-makes the ssh connection when it drops while the session runs. */
  keeper?: ConnectionKeeper;
  agent?: AgentWatcher;
  /** The agent's status from its hooks. */
  attention?: AgentAttention;
  /** Its VM was lost while it ran: why, and what of its work is in the copy. */
  lost?: Problem;
}
