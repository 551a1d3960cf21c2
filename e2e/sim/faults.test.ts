import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { faultNumber, findFault, formatFaults, loadFaults, parseFaults } from './faults';

describe('faults', () => {
  it('parses names, VM globs and values, separated by commas or lines', () => {
    const f = parseFaults('no-ip@vm-*, mount-fail=2\n# comment\nsshd-late@x=500');
    expect(f).toEqual([
      { name: 'no-ip', vmGlob: 'vm-*', value: undefined },
      { name: 'mount-fail', vmGlob: undefined, value: '2' },
      { name: 'sshd-late', vmGlob: 'x', value: '500' },
    ]);
  });

  it('rejects unknown faults so a typo never silently disables a test', () => {
    expect(() => parseFaults('no-ipp')).toThrow(/unknown fault 'no-ipp'/);
  });

  it('matches VM globs and lets the last entry win', () => {
    const f = parseFaults('vm-limit=3,vm-limit@big-*=1');
    expect(faultNumber(f, 'vm-limit', 'small', 0)).toBe(3);
    expect(faultNumber(f, 'vm-limit', 'big-one', 0)).toBe(1);
    expect(findFault(f, 'no-ip', 'small')).toBeUndefined();
  });

  it('merges the environment with the control file, re-read on every call', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tart-sim-faults-'));
    try {
      const file = join(dir, 'faults');
      const env = { TART_SIM_FAULTS: 'no-ip@a', TART_SIM_FAULTS_FILE: file };
      expect(loadFaults(env).map((x) => x.name)).toEqual(['no-ip']);
      writeFileSync(file, formatFaults([{ name: 'mount-fail', value: '1' }]));
      expect(loadFaults(env).map((x) => x.name)).toEqual(['no-ip', 'mount-fail']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
