// Schema migrations, applied in order; never edit a shipped one, append a new one.
export const migrations: readonly string[] = [
  `CREATE TABLE sessions (
     id            TEXT PRIMARY KEY,
     project_dir   TEXT NOT NULL,
     project_name  TEXT NOT NULL,
     state         TEXT NOT NULL CHECK (state IN ('starting','running','stopping','ended','failed')),
     on_exit       TEXT CHECK (on_exit IN ('keep','merge','discard')),
     base_branch   TEXT,
     base_commit   TEXT,
     branch        TEXT,
     worktree_dir  TEXT,
     vm_name       TEXT,
     vm_ip         TEXT,
     vm_pid        INTEGER,
     tunnel_port   INTEGER,
     proxy_name    TEXT,
     url           TEXT,
     url_note      TEXT,
     warnings      TEXT NOT NULL DEFAULT '[]',
     error         TEXT,
     started_at    TEXT NOT NULL,
     updated_at    TEXT NOT NULL,
     ended_at      TEXT
   );
   CREATE INDEX sessions_state ON sessions(state);`,
  // A session whose VM is gone but whose copy stays (kept, or refused to discard) keeps its
  // record as `kept`, with whether the copy holds unmerged work. SQLite cannot alter a CHECK:
  // rebuild the table.
  `CREATE TABLE sessions_v2 (
     id            TEXT PRIMARY KEY,
     project_dir   TEXT NOT NULL,
     project_name  TEXT NOT NULL,
     state         TEXT NOT NULL CHECK (state IN ('starting','running','stopping','ended','failed','kept')),
     on_exit       TEXT CHECK (on_exit IN ('keep','merge','discard')),
     base_branch   TEXT,
     base_commit   TEXT,
     branch        TEXT,
     worktree_dir  TEXT,
     vm_name       TEXT,
     vm_ip         TEXT,
     vm_pid        INTEGER,
     tunnel_port   INTEGER,
     proxy_name    TEXT,
     url           TEXT,
     url_note      TEXT,
     warnings      TEXT NOT NULL DEFAULT '[]',
     error         TEXT,
     started_at    TEXT NOT NULL,
     updated_at    TEXT NOT NULL,
     ended_at      TEXT,
     unmerged_work INTEGER
   );
   INSERT INTO sessions_v2 (id, project_dir, project_name, state, on_exit, base_branch,
     base_commit, branch, worktree_dir, vm_name, vm_ip, vm_pid, tunnel_port, proxy_name, url,
     url_note, warnings, error, started_at, updated_at, ended_at)
   SELECT id, project_dir, project_name, state, on_exit, base_branch, base_commit, branch,
     worktree_dir, vm_name, vm_ip, vm_pid, tunnel_port, proxy_name, url, url_note, warnings,
     error, started_at, updated_at, ended_at FROM sessions;
   DROP TABLE sessions;
   ALTER TABLE sessions_v2 RENAME TO sessions;
   CREATE INDEX sessions_state ON sessions(state);`,
  // The ledger: every VM, proxy, tunnel port and session copy Clave makes, written before it is
  // made (`intended`), marked `created`, deleted once the thing is gone. Cleanup removes only what
  // is here. Not tied to sessions by a foreign key: an entry outlives its session's record.
  `CREATE TABLE ledger (
     id          INTEGER PRIMARY KEY AUTOINCREMENT,
     kind        TEXT NOT NULL CHECK (kind IN ('vm','proxy','port','copy')),
     name        TEXT NOT NULL,
     session_id  TEXT,
     detail      TEXT NOT NULL DEFAULT '{}',
     state       TEXT NOT NULL CHECK (state IN ('intended','created')),
     created_at  TEXT NOT NULL,
     updated_at  TEXT NOT NULL
   );
   CREATE INDEX ledger_kind_name ON ledger(kind, name);`,
  // Attention (agent state from Claude Code's hooks, the spool offset followed so far) and
  // review/resume (Claude's session id, MCP tunnels, kept sessions' disk and transcript sizes).
  `ALTER TABLE sessions ADD COLUMN agent TEXT;
   ALTER TABLE sessions ADD COLUMN claude_session_id TEXT;
   ALTER TABLE sessions ADD COLUMN unread INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE sessions ADD COLUMN mcp_tunnels TEXT NOT NULL DEFAULT '[]';
   ALTER TABLE sessions ADD COLUMN disk_bytes INTEGER;
   ALTER TABLE sessions ADD COLUMN transcript_bytes INTEGER;
   ALTER TABLE sessions ADD COLUMN spool_offset INTEGER NOT NULL DEFAULT 0;`,
  // Dependency snapshots (session/deps-snapshot/) go on the ledger too: SQLite cannot widen a
  // CHECK in place, so the table is copied.
  `CREATE TABLE ledger_v2 (
     id          INTEGER PRIMARY KEY AUTOINCREMENT,
     kind        TEXT NOT NULL CHECK (kind IN ('vm','proxy','port','copy','snapshot')),
     name        TEXT NOT NULL,
     session_id  TEXT,
     detail      TEXT NOT NULL DEFAULT '{}',
     state       TEXT NOT NULL CHECK (state IN ('intended','created')),
     created_at  TEXT NOT NULL,
     updated_at  TEXT NOT NULL
   );
   INSERT INTO ledger_v2 SELECT * FROM ledger;
   DROP TABLE ledger;
   ALTER TABLE ledger_v2 RENAME TO ledger;
   CREATE INDEX ledger_kind_name ON ledger(kind, name);`,
  // Warm start (session/pool/): a standby session is hidden until claimed (its facts as JSON);
  // a claimed one says it started warm.
  `ALTER TABLE sessions ADD COLUMN standby TEXT;
   ALTER TABLE sessions ADD COLUMN warm INTEGER NOT NULL DEFAULT 0;`,
  // Sessions past this Mac (issue 16): where the VM runs (Orchard worker), when its work was last
  // brought back into the copy, and where its MySQL/Redis are.
  `ALTER TABLE sessions ADD COLUMN backend TEXT NOT NULL DEFAULT 'tart' CHECK (backend IN ('tart','orchard'));
   ALTER TABLE sessions ADD COLUMN worker TEXT;
   ALTER TABLE sessions ADD COLUMN synced_at TEXT;
   ALTER TABLE sessions ADD COLUMN services TEXT;`,
];
