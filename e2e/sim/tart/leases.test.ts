import { describe, expect, it } from 'vitest';
import { bootpdMac, formatLeases, parseLeases, resolveMac } from './leases';

describe('dhcpd_leases', () => {
  it('writes MAC octets without leading zeros, as bootpd does', () => {
    expect(bootpdMac('0e:05:aa:00:10:ff')).toBe('e:5:aa:0:10:ff');
  });

  it('round-trips and resolves only unexpired leases, newest first', () => {
    const now = 1_700_000_000;
    const text = formatLeases([
      { name: 'ubuntu', ip: '192.168.64.2', mac: '0e:05:aa:00:10:ff', lease: now + 10 },
      { name: 'ubuntu', ip: '192.168.64.3', mac: '0e:05:aa:00:10:ff', lease: now + 20 },
      { name: 'ubuntu', ip: '192.168.64.4', mac: '12:00:00:00:00:01', lease: now - 1 },
    ]);
    expect(text).toContain('hw_address=1,e:5:aa:0:10:ff');
    const leases = parseLeases(text);
    expect(leases).toHaveLength(3);
    expect(resolveMac(leases, '0E:05:AA:00:10:FF', now)).toBe('192.168.64.3');
    expect(resolveMac(leases, '12:00:00:00:00:01', now)).toBeUndefined();
  });
});
