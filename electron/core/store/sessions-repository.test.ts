import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate, openDatabase, type Db } from './database';
import { migrations } from './migrations';
import { InvalidTransitionError, SessionsRepository } from './sessions-repository';

const dir = mkdtempSync(path.join(tmpdir(), 'clave-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sessions repository', () => {
  let db: Db;
  let repo: SessionsRepository;
  beforeEach(() => {
    db = openDatabase(':memory:');
    repo = new SessionsRepository(db);
  });

  it('walks the state machine and keeps what recovery needs', () => {
    repo.create({ id: 'a1b2c3d4', projectDir: '/p', projectName: 'p' });
    repo.update('a1b2c3d4', {
      vmName: 'clave-a1b2c3d4',
      tunnelPort: 8081,
      warnings: [{ what: 'w' }],
    });
    expect(repo.transition('a1b2c3d4', 'running').state).toBe('running');
    const stopping = repo.transition('a1b2c3d4', 'stopping', { onExit: 'merge' });
    expect(stopping).toMatchObject({ onExit: 'merge', vmName: 'clave-a1b2c3d4', tunnelPort: 8081 });
    expect(stopping.warnings).toEqual([{ what: 'w' }]);
    const ended = repo.transition('a1b2c3d4', 'ended');
    expect(ended.endedAt).not.toBeNull();
    expect(repo.list(['running'])).toEqual([]);
  });

  it('refuses transitions the state machine does not allow', () => {
    repo.create({ id: 'x', projectDir: '/p', projectName: 'p' });
    repo.transition('x', 'stopping');
    repo.transition('x', 'ended');
    expect(() => repo.transition('x', 'running')).toThrow(InvalidTransitionError);
  });

  it('keeps a session whose copy stays, with its unmerged work, until it is merged or discarded', () => {
    repo.create({ id: 'k', projectDir: '/p', projectName: 'p' });
    repo.transition('k', 'stopping');
    const kept = repo.transition('k', 'kept', { hasUnmergedWork: true });
    expect(kept).toMatchObject({ state: 'kept', hasUnmergedWork: true });
    expect(kept.endedAt).not.toBeNull();
    expect(() => repo.transition('k', 'running')).toThrow(InvalidTransitionError);
    expect(repo.transition('k', 'stopping').state).toBe('stopping');
    // Resume: a kept session starts again.
    repo.transition('k', 'kept');
    expect(repo.transition('k', 'starting', { endedAt: null })).toMatchObject({
      state: 'starting',
      endedAt: null,
    });
  });

  it('migrates a database of the first schema: its sessions survive, and can be kept', () => {
    const old = new Database(':memory:');
    old.exec(migrations[0]!);
    old.pragma('user_version = 1');
    old
      .prepare(
        `INSERT INTO sessions (id, project_dir, project_name, state, started_at, updated_at)
         VALUES ('m1', '/p', 'p', 'failed', 't', 't')`,
      )
      .run();
    migrate(old);
    const migrated = new SessionsRepository(old);
    expect(migrated.get('m1')).toMatchObject({ state: 'failed', hasUnmergedWork: null });
    expect(migrated.transition('m1', 'kept').state).toBe('kept');
    expect(() => old.prepare(`UPDATE sessions SET state = 'bogus'`).run()).toThrow(/CHECK/);
    old.close();
  });

  it('persists on disk in WAL mode and refuses a schema from the future', () => {
    const file = path.join(dir, 'sub', 'clave.db');
    const a = openDatabase(file);
    new SessionsRepository(a).create({ id: 'y', projectDir: '/p', projectName: 'p' });
    a.close();
    const b = openDatabase(file);
    expect(b.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(new SessionsRepository(b).get('y')?.state).toBe('starting');
    b.pragma('user_version = 99');
    expect(() => migrate(b)).toThrow(/newer Clave/);
    b.close();
  });
});
