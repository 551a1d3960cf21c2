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
];
