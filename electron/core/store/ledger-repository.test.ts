import { describe, expect, it } from 'vitest';
import { openDatabase } from './database';
import { LedgerRepository } from './ledger-repository';

describe('ledger repository', () => {
  it('writes an entry before the making and marks it made after', () => {
    const ledger = new LedgerRepository(openDatabase(':memory:'), () => new Date('2026-01-02'));
    const e = ledger.intend({
      kind: 'proxy',
      name: 'shop-a1b2c3d4',
      sessionId: 'a1b2c3d4',
      detail: { target: 'http://127.0.0.1:8081' },
    });
    expect(ledger.get(e.id)).toMatchObject({
      state: 'intended',
      sessionId: 'a1b2c3d4',
      detail: { target: 'http://127.0.0.1:8081' },
      createdAt: '2026-01-02T00:00:00.000Z',
    });
    ledger.created(e.id);
    expect(ledger.get(e.id)?.state).toBe('created');
  });

  it('a VM or proxy made again under its name replaces its entry; ports are told apart by id', () => {
    const ledger = new LedgerRepository(openDatabase(':memory:'));
    ledger.intend({ kind: 'proxy', name: 'p-a1b2c3d4', sessionId: 'a1b2c3d4' });
    const again = ledger.intend({
      kind: 'proxy',
      name: 'p-a1b2c3d4',
      sessionId: 'a1b2c3d4',
      detail: { target: 'http://127.0.0.1:8090' },
    });
    expect(ledger.list({ kind: 'proxy' })).toEqual([again]);
    const a = ledger.intend({ kind: 'port', name: '8081', sessionId: 'a' });
    const b = ledger.intend({ kind: 'port', name: '8081', sessionId: 'b' });
    ledger.removeEntry(a.id);
    expect(ledger.list({ kind: 'port' }).map((e) => e.id)).toEqual([b.id]);
    ledger.remove('proxy', 'p-a1b2c3d4');
    expect(ledger.list({ name: 'p-a1b2c3d4' })).toEqual([]);
  });
});
