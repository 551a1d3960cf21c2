// The sessions table and its state machine: starting → running → stopping → ended,
// with failed reachable from starting/running/stopping, and kept (the VM gone, the copy left for
// the person to merge or discard) reachable from stopping and failed. Records hold everything reconciliation
// needs to find a session's VM, tunnel port, proxy and copy after a crash.
import type { OnExit, Problem, SessionState, SessionSummary } from '../../../shared/session';
import type { Db } from './database';

const transitions: Record<SessionState, readonly SessionState[]> = {
  starting: ['running', 'stopping', 'failed'],
  running: ['stopping', 'failed'],
  stopping: ['ended', 'failed', 'stopping', 'kept'],
  ended: [],
  failed: ['stopping', 'kept'],
  kept: ['stopping'],
};

export class InvalidTransitionError extends Error {}

export interface SessionRecord {
  id: string;
  projectDir: string;
  projectName: string;
  state: SessionState;
  onExit: OnExit | null;
  baseBranch: string | null;
  baseCommit: string | null;
  branch: string | null;
  worktreeDir: string | null;
  vmName: string | null;
  vmIp: string | null;
  vmPid: number | null;
  tunnelPort: number | null;
  proxyName: string | null;
  url: string | null;
  urlNote: string | null;
  warnings: Problem[];
  error: Problem | null;
  startedAt: string;
  endedAt: string | null;
  hasUnmergedWork: boolean | null;
}

export type SessionPatch = Partial<Omit<SessionRecord, 'id' | 'state' | 'startedAt'>>;

const columns: Record<keyof SessionPatch, string> = {
  projectDir: 'project_dir',
  projectName: 'project_name',
  onExit: 'on_exit',
  baseBranch: 'base_branch',
  baseCommit: 'base_commit',
  branch: 'branch',
  worktreeDir: 'worktree_dir',
  vmName: 'vm_name',
  vmIp: 'vm_ip',
  vmPid: 'vm_pid',
  tunnelPort: 'tunnel_port',
  proxyName: 'proxy_name',
  url: 'url',
  urlNote: 'url_note',
  warnings: 'warnings',
  error: 'error',
  endedAt: 'ended_at',
  hasUnmergedWork: 'unmerged_work',
};
const jsonColumns = new Set(['warnings', 'error']);

interface Row {
  [column: string]: string | number | null;
}

function fromRow(r: Row): SessionRecord {
  return {
    id: r.id as string,
    projectDir: r.project_dir as string,
    projectName: r.project_name as string,
    state: r.state as SessionState,
    onExit: r.on_exit as OnExit | null,
    baseBranch: r.base_branch as string | null,
    baseCommit: r.base_commit as string | null,
    branch: r.branch as string | null,
    worktreeDir: r.worktree_dir as string | null,
    vmName: r.vm_name as string | null,
    vmIp: r.vm_ip as string | null,
    vmPid: r.vm_pid as number | null,
    tunnelPort: r.tunnel_port as number | null,
    proxyName: r.proxy_name as string | null,
    url: r.url as string | null,
    urlNote: r.url_note as string | null,
    warnings: JSON.parse(r.warnings as string) as Problem[],
    error: r.error ? (JSON.parse(r.error as string) as Problem) : null,
    startedAt: r.started_at as string,
    endedAt: r.ended_at as string | null,
    hasUnmergedWork: r.unmerged_work === null ? null : r.unmerged_work === 1,
  };
}

export function toSummary(r: SessionRecord): SessionSummary {
  const { onExit: _o, baseCommit: _b, vmPid: _p, ...summary } = r;
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
      const sets = keys.map((k) => `${columns[k]} = ?`).join(', ');
      const values = keys.map((k) => {
        const v = patch[k];
        if (typeof v === 'boolean') return v ? 1 : 0;
        return jsonColumns.has(k) && v !== null && v !== undefined
          ? JSON.stringify(v)
          : (v ?? null);
      });
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
      const ended =
        to === 'ended' || to === 'failed' || to === 'kept'
          ? { endedAt: this.now().toISOString() }
          : {};
      this.db.prepare('UPDATE sessions SET state = ? WHERE id = ?').run(to, id);
      return this.update(id, { ...ended, ...patch });
    })();
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
