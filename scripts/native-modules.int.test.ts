// The install must leave the native modules built for the Node that runs the core and tests
// (on a Mac, postinstall rebuilds them for Electron instead). Load and use both for real.
import Database from 'better-sqlite3';
import { spawn } from 'node-pty';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(path.join(tmpdir(), 'clave-native-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('native modules under Node', () => {
  it('better-sqlite3 opens a WAL database on disk', () => {
    const db = new Database(path.join(dir, 'x.db'));
    expect(db.pragma('journal_mode = WAL', { simple: true })).toBe('wal');
    db.exec('create table t (v text)');
    db.prepare('insert into t values (?)').run('ok');
    expect(db.prepare('select v from t').get()).toEqual({ v: 'ok' });
    db.close();
  });

  it('node-pty runs a shell in a real PTY with the size it was given', async () => {
    const pty = spawn('/bin/sh', ['-c', 'stty size'], { cols: 120, rows: 40 });
    let output = '';
    pty.onData((d) => (output += d));
    const code = await new Promise<number>((resolve) => pty.onExit((e) => resolve(e.exitCode)));
    expect(code).toBe(0);
    expect(output.trim()).toBe('40 120');
  });
});
