// The ledger: what Clave made on this machine (VMs, Herd proxies, tunnel ports, session copies,
// dependency snapshots), each entry written before the thing is made, so a crash halfway still
// leaves proof of it.
// Cleanup removes only what the ledger holds; an entry goes once its thing is gone.
import type { Db } from './database';

export type LedgerKind = 'vm' | 'proxy' | 'port' | 'copy' | 'snapshot';

/** What exactly was made: enough to check, at removal, that the thing is still ours. */
export interface LedgerDetail {
  /** vm: the image it was cloned from. */
  source?: string;
  /** vm: where it runs (absent: this Mac's Tart, as before backends); cleanup asks that runtime. */
  backend?: 'tart' | 'orchard';
  /** proxy: where it forwards to, e.g. http://127.0.0.1:8081. */
  target?: string;
  /** A provision's VM: the process building it; while that process lives, the VM is in use. */
  pid?: number;
  /** copy: the repository and the session branch; snapshot: the project it is of. */
  repo?: string;
  branch?: string;
}

export interface LedgerEntry {
  id: number;
  kind: LedgerKind;
  name: string;
  sessionId: string | null;
  detail: LedgerDetail;
  state: 'intended' | 'created';
  createdAt: string;
  updatedAt: string;
}

interface Row {
  id: number;
  kind: LedgerKind;
  name: string;
  session_id: string | null;
  detail: string;
  state: 'intended' | 'created';
  created_at: string;
  updated_at: string;
}

const fromRow = (r: Row): LedgerEntry => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  sessionId: r.session_id,
  detail: JSON.parse(r.detail) as LedgerDetail,
  state: r.state,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class LedgerRepository {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Before making something: the entry that proves it is Clave's even if the making is cut short.
   * Replaces older entries of the same name (a VM or proxy name is made again, e.g. a proxy
   * re-pointed at a new tunnel after a host restart); ports and copies are told apart by id.
   */
  intend(input: {
    kind: LedgerKind;
    name: string;
    sessionId: string | null;
    detail?: LedgerDetail;
  }): LedgerEntry {
    const at = this.now().toISOString();
    const id = this.db.transaction(() => {
      if (input.kind === 'vm' || input.kind === 'proxy') this.remove(input.kind, input.name);
      return this.db
        .prepare(
          `INSERT INTO ledger (kind, name, session_id, detail, state, created_at, updated_at)
           VALUES (?, ?, ?, ?, 'intended', ?, ?)`,
        )
        .run(input.kind, input.name, input.sessionId, JSON.stringify(input.detail ?? {}), at, at)
        .lastInsertRowid;
    })();
    return this.get(Number(id))!;
  }

  /** The thing exists now (the detail may be completed, e.g. the copy's final path). */
  created(id: number, detail?: LedgerDetail): void {
    const sets = detail ? ', detail = ?' : '';
    const args = detail ? [JSON.stringify(detail)] : [];
    this.db
      .prepare(`UPDATE ledger SET state = 'created', updated_at = ?${sets} WHERE id = ?`)
      .run(this.now().toISOString(), ...args, id);
  }

  get(id: number): LedgerEntry | undefined {
    const row = this.db.prepare('SELECT * FROM ledger WHERE id = ?').get(id) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  list(filter: { kind?: LedgerKind; name?: string; sessionId?: string } = {}): LedgerEntry[] {
    const conditions = Object.entries({
      kind: filter.kind,
      name: filter.name,
      session_id: filter.sessionId,
    }).filter((c): c is [string, string] => c[1] !== undefined);
    const where = conditions.map(([column]) => `${column} = ?`).join(' AND ');
    const sql = `SELECT * FROM ledger${where ? ` WHERE ${where}` : ''} ORDER BY id`;
    const rows = this.db.prepare(sql).all(...conditions.map(([, v]) => v)) as Row[];
    return rows.map(fromRow);
  }

  /** The thing is gone: its entries go. */
  remove(kind: LedgerKind, name: string): void {
    this.db.prepare('DELETE FROM ledger WHERE kind = ? AND name = ?').run(kind, name);
  }

  removeEntry(id: number): void {
    this.db.prepare('DELETE FROM ledger WHERE id = ?').run(id);
  }
}
