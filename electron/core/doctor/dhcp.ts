// macOS's bootpd hands the VMs addresses from one /24 with 86 400 s leases, so ~253 VM starts in a
// day exhaust it and new VMs get no IP (contracts/tart.md, gotcha 1). Each Clave session is a new
// VM with a random MAC, so a busy day gets there. A 600 s lease time (what Softnet sets) avoids it.
import { readFile } from 'node:fs/promises';
import { runTool } from '../host/run-tool';
import type { Check, CheckOutcome } from './check';

export const MACOS_DEFAULT_LEASE_SECS = 86_400;
export const SHORT_LEASE_SECS = 600;
/** Addresses in 192.168.64.0/24 bootpd can give out (.2 to .254). */
export const POOL_SIZE = 253;

export const LEASE_FIX = `sudo defaults write /Library/Preferences/SystemConfiguration/com.apple.InternetSharing.default.plist bootpd -dict DHCPLeaseTimeSecs -int ${SHORT_LEASE_SECS}`;

/** `bootpd` → `DHCPLeaseTimeSecs` from the plist's XML form; null when it does not say. */
export function leaseSecsFromPlist(xml: string): number | null {
  const bootpd = /<key>bootpd<\/key>\s*<dict>([\s\S]*?)<\/dict>/.exec(xml)?.[1];
  const secs =
    bootpd && /<key>DHCPLeaseTimeSecs<\/key>\s*<integer>(\d+)<\/integer>/.exec(bootpd)?.[1];
  return secs ? Number(secs) : null;
}

/** Leases in bootpd's file that have not expired (`lease=0x<hex epoch>`). */
export function activeLeases(leases: string, nowMs: number): number {
  return [...leases.matchAll(/^\s*lease=0x([0-9a-fA-F]+)\s*$/gm)].filter(
    (m) => parseInt(m[1]!, 16) * 1000 > nowMs,
  ).length;
}

async function plistXml(file: string): Promise<string | null> {
  let raw: Buffer;
  try {
    raw = await readFile(file);
  } catch {
    return null; // never written: bootpd uses its default
  }
  if (!raw.subarray(0, 6).equals(Buffer.from('bplist'))) return raw.toString('utf8');
  // `defaults write` stores binary plists; plutil (on every Mac) prints them as XML.
  const r = await runTool('/usr/bin/plutil', ['-convert', 'xml1', '-o', '-', file], {
    env: { PATH: '/usr/bin:/bin' },
    timeoutMs: 5000,
  });
  return r.exitCode === 0 ? r.stdout : null;
}

export async function judgeDhcp(
  files: { dhcpPlist: string; dhcpLeases: string },
  nowMs: number,
): Promise<CheckOutcome> {
  const xml = await plistXml(files.dhcpPlist);
  const secs = (xml ? leaseSecsFromPlist(xml) : null) ?? MACOS_DEFAULT_LEASE_SECS;
  const leases = await readFile(files.dhcpLeases, 'utf8').then(
    (t) => activeLeases(t, nowMs),
    () => 0,
  );
  const inUse = `${leases} of ${POOL_SIZE} VM addresses leased`;
  if (leases >= POOL_SIZE - 20) {
    return {
      status: 'fail',
      detail: `${inUse}: new VMs will soon get no IP address (lease time ${secs} s).`,
      fix: `Stop the VMs you do not need, then \`sudo rm ${files.dhcpLeases}\`; and once: ${LEASE_FIX}`,
    };
  }
  if (secs > 3600) {
    return {
      status: 'warn',
      detail: `DHCP leases last ${secs} s (${inUse}): about ${POOL_SIZE} VM starts a day use up the pool.`,
      fix: `Once, in Terminal: ${LEASE_FIX}`,
    };
  }
  return { status: 'ok', detail: `DHCP leases last ${secs} s (${inUse}).` };
}

export const dhcpCheck: Check = {
  id: 'dhcp',
  name: 'DHCP lease time',
  run: async (ctx) =>
    ctx.platform === 'darwin'
      ? judgeDhcp(ctx.macFiles, ctx.now())
      : { status: 'skip', detail: `macOS’s bootpd only; not applicable on ${ctx.platform}.` },
};
