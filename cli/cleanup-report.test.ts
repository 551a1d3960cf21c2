import { describe, expect, it } from 'vitest';
import { summary } from '../shared/testing/fake-api';
import { cleanupLines, keptLines, unfinishedStopLines } from './cleanup-report';

describe('cleanup report lines', () => {
  it('says for each thing what cleanup does and why it is Clave’s', () => {
    const reason =
      'created by session abcd1234 at t, ledger entry #12; proxy points at 127.0.0.1:8081';
    const lines = cleanupLines({
      dryRun: true,
      staleRecords: ['abcd1234'],
      standbys: ['/Users/me/Code/shop'],
      problems: [],
      items: [
        {
          kind: 'proxy',
          name: 'shop-abcd1234',
          sessionId: 'abcd1234',
          ledgerId: 12,
          action: 'remove',
          reason,
        },
        {
          kind: 'port',
          name: '8081',
          sessionId: 'abcd1234',
          ledgerId: 13,
          action: 'forget',
          reason: 'r',
        },
      ],
    });
    expect(lines).toContain(
      'Would tear down session abcd1234 (left unfinished: its host ended, or its stop failed)',
    );
    expect(lines).toContain(
      'Would remove the standby session prepared ahead for /Users/me/Code/shop (warm start; it comes back when you start there)',
    );
    expect(lines).toContain(`Would remove Herd proxy shop-abcd1234: ${reason}`);
    expect(lines).toContain('Would forget tunnel port 8081: r');
    expect(lines).not.toContain('Nothing to clean up.');
  });

  it('says when there is nothing to clean up, and lists kept copies', () => {
    expect(
      cleanupLines({ dryRun: false, staleRecords: [], standbys: [], problems: [], items: [] }),
    ).toContain('Nothing to clean up.');
    const kept = summary({ id: 'k1k2k3k4', state: 'kept', hasUnmergedWork: true });
    const sized = summary({
      id: 'k5k6k7k8',
      state: 'kept',
      hasUnmergedWork: false,
      diskBytes: 3 * 1024 * 1024,
      transcriptBytes: 160_000,
    });
    expect(keptLines([summary(), kept, sized])).toEqual([
      '',
      'Kept session copies (clave resume <id>, or clave stop <id> --on-exit=merge|discard):',
      `  k1k2k3k4  ${kept.worktreeDir}  holds unmerged work  no saved conversation`,
      `  k5k6k7k8  ${sized.worktreeDir}  no unmerged work  3.0 MB on disk  conversation 156 KB`,
    ]);
    expect(keptLines([summary()])).toEqual([]);
  });

  it('lists the sessions whose stop did not finish, with why, and not one being stopped now', () => {
    const stuck = summary({
      id: 's1s2s3s4',
      state: 'stopping',
      error: { what: 'Delete the VM: Could not read the Orchard VM clave-s1s2s3s4' },
    });
    expect(unfinishedStopLines([summary(), summary({ state: 'stopping' }), stuck])).toEqual([
      '',
      'Stops that did not finish (once the cause is fixed: clave stop <id> again, or clave cleanup):',
      '  s1s2s3s4  Delete the VM: Could not read the Orchard VM clave-s1s2s3s4',
    ]);
    expect(unfinishedStopLines([summary()])).toEqual([]);
  });
});
