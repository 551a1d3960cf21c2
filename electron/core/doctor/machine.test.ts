// Host, disk, DHCP and base-VM checks against facts and files made for the test.
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Settings } from '../config/settings';
import { writeBaseRecord, specFromSettings } from '../provision/record';
import { parseSpec, specHash } from '../provision/spec';
import { baseImageCheck } from './base-image';
import { activeLeases, judgeDhcp, leaseSecsFromPlist, LEASE_FIX } from './dhcp';
import { judgeDisk, tartHome } from './disk';
import { judgeHost } from './host';
import { doctorContext } from './testing/context';

const root = mkdtempSync(path.join(tmpdir(), 'clave-doctor-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const signal = new AbortController().signal;

describe('host check', () => {
  it('is not a failure off a Mac: it says the simulated host is what runs there', () => {
    const r = judgeHost({
      platform: 'linux',
      arch: 'x64',
      macosVersion: null,
      underRosetta: false,
    });
    expect(r.status).toBe('skip');
    expect(r.detail).toMatch(/^Not a Mac \(linux x64\).*simulated VM host/);
  });

  it('needs Apple silicon and macOS 13+, and says what macOS 15 adds', () => {
    const mac = (arch: string, v: string | null, rosetta = false) =>
      judgeHost({ platform: 'darwin', arch, macosVersion: v, underRosetta: rosetta });
    expect(mac('x64', '15.1')).toMatchObject({
      status: 'fail',
      fix: 'Run Clave on a Mac with Apple silicon.',
    });
    expect(mac('x64', '15.1', true).status).toBe('ok');
    expect(mac('arm64', '12.7')).toMatchObject({
      status: 'fail',
      fix: expect.stringMatching(/Software Update/),
    });
    expect(mac('arm64', '13.6').status).toBe('warn');
    expect(mac('arm64', '14.5')).toEqual({ status: 'ok', detail: 'Apple silicon, macOS 14.5' });
    expect(mac('arm64', '15.1').detail).toMatch(/Local Network permission applies/);
    expect(mac('arm64', null).status).toBe('warn');
  });
});

describe('disk check', () => {
  it('measures the volume TART_HOME is on, even before TART_HOME exists', async () => {
    const s = statfsSync(root);
    const free = s.bavail * s.bsize;
    const dir = path.join(root, 'not-yet', '.tart');
    expect(tartHome({ TART_HOME: dir })).toBe(dir);
    expect(tartHome({ HOME: '/Users/x' })).toBe('/Users/x/.tart');
    const ok = await judgeDisk(dir, { failBelow: 0, warnBelow: 1 });
    expect(ok.status).toBe('ok');
    expect(ok.detail).toMatch(/^\d+\.\d GB free for /);
    expect(ok.detail.endsWith(` GB free for ${dir}`)).toBe(true);
    expect((await judgeDisk(dir, { failBelow: 0, warnBelow: free * 2 })).status).toBe('warn');
    const full = await judgeDisk(dir, { failBelow: free * 2, warnBelow: free * 4 });
    expect(full.status).toBe('fail');
    expect(full.fix).toMatch(/tart prune --entries caches/);
  });
});

describe('DHCP lease check', () => {
  const plist = (secs?: number) => {
    const f = path.join(root, `plist-${secs ?? 'none'}`);
    writeFileSync(
      f,
      `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
\t<key>NAT</key>
\t<dict><key>Enabled</key><integer>1</integer></dict>
${secs === undefined ? '' : `\t<key>bootpd</key>\n\t<dict>\n\t\t<key>DHCPLeaseTimeSecs</key>\n\t\t<integer>${secs}</integer>\n\t</dict>\n`}</dict>
</plist>
`,
    );
    return f;
  };
  const now = Date.parse('2026-11-29T12:00:00Z');
  const leases = (active: number, expired: number) => {
    const f = path.join(root, `leases-${active}-${expired}`);
    const entry = (i: number, at: number) =>
      `{\n\tname=ubuntu\n\tip_address=192.168.64.${(i % 250) + 2}\n\thw_address=1,a:b:c:d:e:${i.toString(16)}\n\tidentifier=1,a:b:c:d:e:${i.toString(16)}\n\tlease=0x${Math.floor(at / 1000).toString(16)}\n}\n`;
    writeFileSync(
      f,
      [...Array(active)].map((_, i) => entry(i, now + 3600_000)).join('') +
        [...Array(expired)].map((_, i) => entry(i + active, now - 60_000)).join(''),
    );
    return f;
  };

  it('reads bootpd’s lease time from the InternetSharing plist and counts unexpired leases', () => {
    expect(
      leaseSecsFromPlist(
        '<dict><key>bootpd</key><dict><key>DHCPLeaseTimeSecs</key><integer>600</integer></dict></dict>',
      ),
    ).toBe(600);
    expect(leaseSecsFromPlist('<dict><key>NAT</key><dict/></dict>')).toBeNull();
    expect(activeLeases('{\n\tlease=0x10\n}\n{\n\tlease=0xffffffff\n}\n', now)).toBe(1);
  });

  it('warns at macOS’s one-day default with the one-line fix, passes at 600 s', async () => {
    const day = await judgeDhcp({ dhcpPlist: plist(), dhcpLeases: path.join(root, 'none') }, now);
    expect(day).toEqual({
      status: 'warn',
      detail:
        'DHCP leases last 86400 s (0 of 253 VM addresses leased): about 253 VM starts a day use up the pool.',
      fix: `Once, in Terminal: ${LEASE_FIX}`,
    });
    expect(LEASE_FIX).toBe(
      'sudo defaults write /Library/Preferences/SystemConfiguration/com.apple.InternetSharing.default.plist bootpd -dict DHCPLeaseTimeSecs -int 600',
    );
    const short = await judgeDhcp({ dhcpPlist: plist(600), dhcpLeases: leases(3, 40) }, now);
    expect(short).toEqual({
      status: 'ok',
      detail: 'DHCP leases last 600 s (3 of 253 VM addresses leased).',
    });
  });

  it('fails when the pool is nearly used up, whatever the lease time', async () => {
    const full = await judgeDhcp({ dhcpPlist: plist(600), dhcpLeases: leases(240, 0) }, now);
    expect(full.status).toBe('fail');
    expect(full.fix).toMatch(/^Stop the VMs you do not need, then `sudo rm .*leases-240-0`/);
  });
});

describe('base VM check', () => {
  const ctx = (dataDir: string, exists: boolean, settings = Settings.parse({})) =>
    doctorContext({
      dataDir,
      settings,
      now: () => Date.parse('2026-11-29T12:00:00Z'),
      tart: {
        locate: async () => 'tart',
        version: async () => '2.35.0',
        exists: async () => exists,
      },
    });
  const hash = (s: Settings) => specHash(parseSpec(specFromSettings(s)));

  it('fails with the provision command when the base VM is missing', async () => {
    expect(await baseImageCheck.run(ctx(root, false), signal)).toMatchObject({
      status: 'fail',
      detail: 'clave-base does not exist',
      fix: expect.stringMatching(/^clave provision/),
    });
  });

  it('reads age and spec from the record provision wrote', async () => {
    const dir = path.join(root, 'records');
    mkdirSync(dir);
    const s = Settings.parse({});
    expect((await baseImageCheck.run(ctx(dir, true), signal)).detail).toMatch(/not by this Clave/);
    await writeBaseRecord(dir, 'clave-base', {
      image: 'ghcr.io/cirruslabs/ubuntu:latest',
      specHash: hash(s),
      provisionedAt: '2026-11-27T10:00:00Z',
    });
    expect(await baseImageCheck.run(ctx(dir, true), signal)).toEqual({
      status: 'ok',
      detail: 'clave-base is provisioned, 2 days old, from ghcr.io/cirruslabs/ubuntu:latest',
    });
    const vm = Settings.parse({ services: { mode: 'vm' } });
    expect(await baseImageCheck.run(ctx(dir, true, vm), signal)).toMatchObject({
      status: 'warn',
      fix: expect.stringMatching(/--force/),
    });
    await writeBaseRecord(dir, 'clave-base', {
      image: 'x',
      specHash: hash(s),
      provisionedAt: '2026-09-01T00:00:00Z',
    });
    expect(await baseImageCheck.run(ctx(dir, true), signal)).toMatchObject({
      status: 'warn',
      detail: /89 days old/,
      fix: expect.stringMatching(/--update/),
    });
  });
});
