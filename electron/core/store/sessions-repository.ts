// The sessions table and its state machine: starting → running → stopping → ended,
// with failed reachable from starting/running/stopping, and kept (the VM gone, the copy left for
// the person to merge, discard or resume: kept → starting) reachable from stopping and failed. Records hold everything reconciliation
// needs to find a session's VM, tunnel port, proxy and copy after a crash.
import { z } from 'zod';
import { OnExit, SessionSummary, type SessionState } from '../../../shared/session';
import type { Db } from './database';
import { StandbyFacts } from './standby-facts';

const transitions: Record<SessionState, readonly SessionState[]> = {
  starting: ['running', 'stopping', 'failed'],
  running: ['stopping', 'failed'],
  stopping: ['ended', 'failed', 'stopping', 'kept'],
  ended: [],
  failed: ['stopping', 'kept'],
  // Resume: a fresh VM on the kept copy.
  kept: ['stopping', 'starting'],
};

/** States whose session may still hold a VM, tunnel, proxy or copy that teardown has to end. */
export const UNFINISHED_STATES: readonly SessionState[] = [
  'starting',
  'running',
  'stopping',
  'failed',
];
/** States a session's run ends in: its record gets `endedAt`. */
const ENDED_STATES: readonly SessionState[] = ['ended', 'failed', 'kept'];

export class InvalidTransitionError extends Error {}

/**
 * A session as stored: what every face sees (SessionSummary) plus what only the host needs to
 * find and end it again. A new field is added to the schema once, and a column in migrations.ts.
 */
export const SessionRecord = SessionSummary.extend({
  onExit: OnExit.nullable(),
  baseCommit: z.string().nullable(),
  vmPid: z.number().nullable(),
  /** Bytes of the VM's hook-event spool already applied: a restart resumes after them. */
  spoolOffset: z.number(),
  /** Set while the session is a hidden standby of the pool (session/pool/): what it was made from. */
  standby: StandbyFacts.nullable(),
});
export type SessionRecord = z.infer<typeof SessionRecord>;
type Field = keyof SessionRecord;

export type SessionPatch = Partial<Omit<SessionRecord, 'id' | 'state' | 'startedAt'>>;

/** A field's column: its name in snake_case, unless the table says it differently. */
const renamed: Partial<Record<Field, string>> = { hasUnmergedWork: 'unmerged_work' };
const columnOf = (f: Field) => renamed[f] ?? f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const fields = Object.keys(SessionRecord.shape) as Field[];
// Stored as JSON text; booleans as SQLite's 0/1.
const jsonFields = new Set<Field>(['warnings', 'error', 'agent', 'mcpTunnels', 'standby']);
const booleanFields = new Set<Field>(['hasUnmergedWork', 'unread', 'warm']);

interface Row {
  [column: string]: string | number | null;
}

function fromRow(r: Row): SessionRecord {
  const record: Record<string, unknown> = {};
  for (const f of fields) {
    const v = r[columnOf(f)] ?? null;
    record[f] =
      v === null
        ? null
        : jsonFields.has(f)
          ? JSON.parse(v as string)
          : booleanFields.has(f)
            ? v === 1
            : v;
  }
  return record as SessionRecord;
}

function toColumn(f: Field, v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  if (booleanFields.has(f)) return v ? 1 : 0;
  return jsonFields.has(f) ? JSON.stringify(v) : (v as string | number);
}

export function toSummary(r: SessionRecord): SessionSummary {
  const { onExit: _o, baseCommit: _b, vmPid: _p, spoolOffset: _s, standby: _y, ...summary } = r;
  return summary;
}

export class SessionsRepository {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  create(input: { id: string; projectDir: string; projectName: string; onExit?: OnExit | null }) {
    const at = this.now().toISOString();
    this.db
      .prepare(
        `INSERT INTO sessions (id, project_dir, project_name, state, on_exit, started_at, updated_at)
         VALUES (?, ?, ?, 'starting', ?, ?, ?)`,
      )
      .run(input.id, input.projectDir, input.projectName, input.onExit ?? null, at, at);
    return this.get(input.id)!;
  }

  get(id: string): SessionRecord | undefined {
    const row = this.db.prepare('SELECT * FROM sessions WHERE id = ?').get(id) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  list(states?: readonly SessionState[]): SessionRecord[] {
    const rows = (
      states?.length
        ? this.db
            .prepare(
              `SELECT * FROM sessions WHERE state IN (${states.map(() => '?').join(',')}) ORDER BY started_at`,
            )
            .all(...states)
        : this.db.prepare('SELECT * FROM sessions ORDER BY started_at').all()
    ) as Row[];
    return rows.map(fromRow);
  }

  update(id: string, patch: SessionPatch): SessionRecord {
    const keys = Object.keys(patch) as (keyof SessionPatch)[];
    if (keys.length) {
      const sets = keys.map((k) => `${columnOf(k)} = ?`).join(', ');
      const values = keys.map((k) => toColumn(k, patch[k]));
      this.db
        .prepare(`UPDATE sessions SET ${sets}, updated_at = ? WHERE id = ?`)
        .run(...values, this.now().toISOString(), id);
    }
    return this.require(id);
  }

  transition(id: string, to: SessionState, patch: SessionPatch = {}): SessionRecord {
    return this.db.transaction(() => {
      const current = this.require(id);
      if (!transitions[current.state].includes(to)) {
        throw new InvalidTransitionError(`Session ${id} cannot go from ${current.state} to ${to}`);
      }
      const ended = ENDED_STATES.includes(to) ? { endedAt: this.now().toISOString() } : {};
      this.db.prepare('UPDATE sessions SET state = ? WHERE id = ?').run(to, id);
      return this.update(id, { ...ended, ...patch });
    })();
  }

  /** A standby becomes the person's session: shown, warm, started now. */
  claimStandby(id: string, onExit: OnExit | null): SessionRecord {
    const at = this.now().toISOString();
    this.db
      .prepare(
        'UPDATE sessions SET standby = NULL, warm = 1, on_exit = ?, started_at = ?, updated_at = ? WHERE id = ?',
      )
      .run(onExit, at, at, id);
    return this.require(id);
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM sessions WHERE id = ?').run(id).changes > 0;
  }

  private require(id: string): SessionRecord {
    const r = this.get(id);
    if (!r) throw new Error(`No session record ${id}`);
    return r;
  }
}
