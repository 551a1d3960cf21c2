// The Mac side of dependency snapshots on a real folder, a real tar and a real (in-memory) ledger.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../store/database';
import { LedgerRepository } from '../../store/ledger-repository';
import {
  captureSnapshot,
  dependencyKey,
  isComplete,
  markInUse,
  projectSnapshots,
  pruneSnapshots,
  snapshotDir,
} from './snapshots';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
function tmp(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'clave-snap-'));
  dirs.push(d);
  return d;
}

/** A tar of a vendor/ holding `pkg`, as the VM would stream it. */
function vendorTar(pkg: string): Buffer {
  const src = tmp();
  mkdirSync(path.join(src, 'vendor', pkg), { recursive: true });
  writeFileSync(path.join(src, 'vendor', pkg, 'composer.json'), `{"name":"${pkg}"}`);
  return execFileSync('tar', ['-C', src, '-cf', '-', 'vendor']);
}

function world() {
  const data = tmp();
  const snapshots = projectSnapshots(data, '/Users/me/Code/shop');
  const ledger = new LedgerRepository(openDatabase(':memory:'));
  const capture = (key: string, sessionId = 's1') =>
    captureSnapshot({
      snapshots,
      key,
      sessionId,
      repo: '/Users/me/Code/shop',
      ledger,
      produce: async (sink) => sink(vendorTar(`acme/${key}`)),
    });
  return { data, snapshots, ledger, capture };
}

describe('dependency snapshots on the Mac', () => {
  it('keys by composer.json and composer.lock together, and needs a lock', async () => {
    const copy = tmp();
    writeFileSync(path.join(copy, 'composer.json'), '{"require":{}}');
    expect(await dependencyKey(copy)).toBeNull();
    writeFileSync(path.join(copy, 'composer.lock'), '{"packages":[]}');
    const a = await dependencyKey(copy);
    writeFileSync(path.join(copy, 'composer.json'), '{"require":{},"autoload":{}}');
    const b = await dependencyKey(copy);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(b).not.toBe(a);
  });

  it('keeps each project apart', () => {
    const a = projectSnapshots('/data', '/Users/me/Code/shop');
    const b = projectSnapshots('/data', '/Users/you/Code/shop');
    expect(a.share).not.toBe(b.share);
    expect(a.share.startsWith('/data/deps/shop-')).toBe(true);
  });

  it('captures under a ledger entry and is complete only once all is in', async () => {
    const w = world();
    await w.capture('k1');
    expect(isComplete(w.snapshots, 'k1')).toBe(true);
    expect(
      existsSync(path.join(snapshotDir(w.snapshots, 'k1'), 'vendor/acme/k1/composer.json')),
    ).toBe(true);
    expect(w.ledger.list({ kind: 'snapshot' })).toEqual([
      expect.objectContaining({ name: snapshotDir(w.snapshots, 'k1'), state: 'created' }),
    ]);
    expect(readdirSync(path.join(w.snapshots.root, 'partial'))).toEqual([]);
  });

  it('two sessions capturing the same lock at once leave one snapshot on one ledger entry', async () => {
    const w = world();
    await Promise.all([w.capture('k1', 's1'), w.capture('k1', 's2'), w.capture('k1', 's3')]);
    expect(readdirSync(w.snapshots.share)).toEqual(['k1']);
    expect(isComplete(w.snapshots, 'k1')).toBe(true);
    expect(w.ledger.list()).toEqual([
      expect.objectContaining({ name: snapshotDir(w.snapshots, 'k1'), state: 'created' }),
    ]);
    expect(readdirSync(path.join(w.snapshots.root, 'partial'))).toEqual([]);
  });

  it('a failed capture leaves nothing: no snapshot, no partial folder, no ledger entry', async () => {
    const w = world();
    const failing = captureSnapshot({
      snapshots: w.snapshots,
      key: 'k1',
      sessionId: 's1',
      repo: '/Users/me/Code/shop',
      ledger: w.ledger,
      produce: async (sink) => {
        sink(vendorTar('acme/x').subarray(0, 700));
        throw new Error('tar in the VM failed (exit 2)');
      },
    });
    await expect(failing).rejects.toThrow(/tar in the VM failed/);
    expect(isComplete(w.snapshots, 'k1')).toBe(false);
    expect(existsSync(snapshotDir(w.snapshots, 'k1'))).toBe(false);
    expect(readdirSync(path.join(w.snapshots.root, 'partial'))).toEqual([]);
    expect(w.ledger.list()).toEqual([]);
  });

  it('keeps the last N used, any a running session uses, and anything not on the ledger', async () => {
    const w = world();
    for (const [i, k] of ['old', 'used', 'mid', 'new'].entries()) {
      await w.capture(k);
      const t = new Date(Date.UTC(2026, 0, 1 + i));
      utimesSync(snapshotDir(w.snapshots, k), t, t);
    }
    markInUse(w.snapshots, 'used', 'running1');
    utimesSync(snapshotDir(w.snapshots, 'used'), new Date(0), new Date(0)); // used long ago
    // Someone's own folder that looks like a snapshot: never Clave's to remove.
    mkdirSync(path.join(w.snapshots.share, 'theirs', 'vendor'), { recursive: true });
    writeFileSync(path.join(w.snapshots.share, 'theirs', 'snapshot.json'), '{}');
    utimesSync(path.join(w.snapshots.share, 'theirs'), new Date(0), new Date(0));

    const removed = await pruneSnapshots({
      snapshots: w.snapshots,
      keep: 2,
      ledger: w.ledger,
      mayRun: (id) => id === 'running1',
    });
    expect(removed).toEqual(['old']);
    expect(readdirSync(w.snapshots.share).sort()).toEqual(['mid', 'new', 'theirs', 'used']);
    expect(
      w.ledger
        .list({ kind: 'snapshot' })
        .map((e) => path.basename(e.name))
        .sort(),
    ).toEqual(['mid', 'new', 'used']);

    // Once its session ended, the old one used goes too.
    const later = await pruneSnapshots({
      snapshots: w.snapshots,
      keep: 2,
      ledger: w.ledger,
      mayRun: () => false,
    });
    expect(later).toEqual(['used']);
  });
});
