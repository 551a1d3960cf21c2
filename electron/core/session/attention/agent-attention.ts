// One running session's agent status: follows its spool, folds each batch of hook events into
// the state machine, stores the status together with the spool offset in ONE write, and only
// then tells the faces. A host that dies after the write never re-sends what it told; one that
// dies before it re-reads the same lines from the stored offset.
import type { EventPayload } from '../../../../shared/api';
import type { SessionSummary } from '../../../../shared/session';
import type { SshConnection } from '../../host/ssh';
import {
  toSummary,
  type SessionRecord,
  type SessionsRepository,
} from '../../store/sessions-repository';
import { applyEvent, startingView, type AgentEvent, type AgentView } from './agent-state';
import {
  followCommand,
  recreateCommand,
  SpoolReader,
  type SpoolBatch,
  type SpoolCounters,
} from './spool-follower';

export interface AttentionDeps {
  sessions: Pick<SessionsRepository, 'get' | 'update'>;
  /** Tells the faces (session.updated). */
  updated(summary: SessionSummary): void;
  attention(e: EventPayload<'session.attention'>): void;
  /** Where skipped lines and restarts are said (the host's log). */
  log(line: string): void;
}

/** A follow command that ended while its connection is up (tail killed in the VM): again. */
const REFOLLOW_DELAY_MS = 1000;
const FOREVER = 2 ** 31 - 1;

export class AgentAttention {
  private current: { ac: AbortController; reader: SpoolReader } | null = null;
  private readonly past: SpoolCounters = { events: 0, malformed: 0, truncated: 0, resets: 0 };

  constructor(
    private readonly id: string,
    private readonly deps: AttentionDeps,
    /** The session's own life: aborted when it is stopped. */
    private readonly signal: AbortSignal,
  ) {}

  /** Follows the spool over `ssh` (again after a reconnect) from the stored offset. */
  follow(ssh: SshConnection): void {
    this.stopFollowing();
    const r = this.record();
    if (!r || this.signal.aborted) return;
    if (!r.agent) {
      const agent = startingView(new Date()).status;
      this.deps.updated(toSummary(this.deps.sessions.update(this.id, { agent })));
    }
    const ac = new AbortController();
    const reader = new SpoolReader(r.spoolOffset, {
      batch: (b) => {
        if (!ac.signal.aborted) this.applyBatch(b);
      },
      gone: () => void ssh.exec(recreateCommand(), { timeoutMs: 10_000 }).catch(() => {}),
    });
    this.current = { ac, reader };
    const signal = AbortSignal.any([this.signal, ac.signal]);
    void ssh
      .exec(followCommand(r.spoolOffset), {
        timeoutMs: FOREVER,
        signal,
        // The stream is consumed as it comes; keep next to nothing of it.
        maxBufferBytes: 4096,
        onStdout: (chunk) => reader.push(chunk),
      })
      .then(
        () => !signal.aborted && !ssh.closed,
        () => false, // the connection was lost: the keeper follows again on the new one
      )
      .then((again) => {
        this.report(reader.counters);
        if (!again) return;
        setTimeout(() => {
          if (this.current?.ac === ac && !ssh.closed) this.follow(ssh);
        }, REFOLLOW_DELAY_MS).unref();
      });
  }

  /** The agent's tmux session is gone: it exited, whatever the spool says (or does not). */
  tmuxGone(): void {
    this.fold([{ ts: Date.now(), hook: 'TmuxGone' }], {});
  }

  /** Lines seen so far (over every connection) and what was skipped. */
  counters(): SpoolCounters {
    const now = this.current?.reader.counters;
    const sum = { ...this.past };
    if (now) for (const k of Object.keys(sum) as (keyof SpoolCounters)[]) sum[k] += now[k];
    return sum;
  }

  stopFollowing(): void {
    const c = this.current;
    if (!c) return;
    c.ac.abort();
    for (const k of Object.keys(this.past) as (keyof SpoolCounters)[])
      this.past[k] += c.reader.counters[k];
    this.current = null;
  }

  /** A batch of the spool: folded, stored with its offset in one write, then told. */
  applyBatch(b: SpoolBatch): void {
    this.fold(b.events, { spoolOffset: b.offset });
  }

  private fold(events: AgentEvent[], extra: { spoolOffset?: number }): void {
    const r = this.record();
    if (!r) return;
    let view: AgentView = r.agent
      ? { status: r.agent, claudeSessionId: r.claudeSessionId, unread: r.unread }
      : startingView(new Date());
    // Told after the one write, in order: each state the batch went through (it may hold a
    // whole turn), with the last detail it had; a burst of tool calls is one update.
    const told: { view: AgentView; attention: boolean }[] = [];
    for (const e of events) {
      const step = applyEvent(view, e);
      const same = step.view.status.state === view.status.state;
      view = step.view;
      if (!step.changed) continue;
      const last = told.at(-1);
      if (same && last?.view.status.state === view.status.state) last.view = view;
      else told.push({ view, attention: step.attention });
    }
    if (!told.length && extra.spoolOffset === undefined) return;
    // One write: the status and how far the spool was read stand or fall together.
    const written = this.deps.sessions.update(this.id, {
      agent: view.status,
      claudeSessionId: view.claudeSessionId,
      unread: view.unread,
      ...extra,
    });
    const base = toSummary(written);
    for (const t of told) {
      const { status, claudeSessionId, unread } = t.view;
      this.deps.updated({ ...base, agent: status, claudeSessionId, unread });
      if (t.attention)
        this.deps.attention({
          sessionId: this.id,
          projectName: r.projectName,
          state: status.state,
          detail: status.detail,
        });
    }
  }

  /** The record while the session runs; a stopping or ended one's status is not ours to move. */
  private record(): SessionRecord | null {
    const r = this.deps.sessions.get(this.id);
    return r && (r.state === 'running' || r.state === 'starting') ? r : null;
  }

  private report(c: SpoolCounters): void {
    if (c.malformed || c.resets)
      this.deps.log(
        `session ${this.id}: hook spool: ${c.events} events, ${c.malformed} malformed line(s) skipped, ${c.truncated} payload(s) truncated, ${c.resets} restart(s) from 0`,
      );
  }
}
