import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../store/ledger-repository';
import type { SessionDeps } from '../deps';
import { isClaveTarget, judge, type Facts } from './survey';

describe('isClaveTarget', () => {
  const range = { from: 8081, to: 8199 };
  it('accepts only 127.0.0.1 on a port in Clave’s range', () => {
    expect(isClaveTarget('http://127.0.0.1:8081', range)).toBe(true);
    expect(isClaveTarget('https://127.0.0.1:8199/', range)).toBe(true);
    expect(isClaveTarget('http://127.0.0.1:8200', range)).toBe(false);
    expect(isClaveTarget('http://127.0.0.1:3000', range)).toBe(false);
    expect(isClaveTarget('http://localhost:8081', range)).toBe(false);
    expect(isClaveTarget('http://192.168.1.50:8081', range)).toBe(false);
    expect(isClaveTarget('http://127.0.0.1', range)).toBe(false);
    expect(isClaveTarget('not a url', range)).toBe(false);
  });
});

describe('judge, for VMs on several backends', () => {
  const entry = (name: string, detail: LedgerEntry['detail']): LedgerEntry => ({
    id: 1,
    kind: 'vm',
    name,
    sessionId: 'a1b2c3d4',
    detail,
    state: 'created',
    createdAt: '2026-11-30T04:00:00.000Z',
    updatedAt: '2026-11-30T04:00:00.000Z',
  });
  const deps = {} as SessionDeps;
  const facts: Facts = { vms: new Map([['tart', new Set(['clave-local'])]]), proxies: null };

  it('asks the backend the entry names (none: this Mac’s Tart)', async () => {
    expect((await judge(entry('clave-local', {}), deps, facts)).action).toBe('remove');
    expect((await judge(entry('clave-gone', { backend: 'tart' }), deps, facts)).action).toBe(
      'forget',
    );
  });

  it('keeps a VM whose backend could not be asked, to look again next time', async () => {
    const item = await judge(entry('clave-remote', { backend: 'orchard' }), deps, facts);
    expect(item.action).toBe('keep');
    expect(item.reason).toMatch(/orchard could not be asked about it now/);
  });
});
