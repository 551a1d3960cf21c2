// The simulated vmnet DHCP server's lease file, in macOS bootpd's /var/db/dhcpd_leases format, and
// the resolver `tart ip --resolver dhcp` uses (Sources/tart/MACAddressResolver/Leases.swift):
// unexpired entries only, matched on hw_address=1,<mac>, newest entry wins. bootpd writes MAC octets
// without leading zeros.

export interface Lease {
  name: string;
  ip: string;
  mac: string;
  /** Expiry, seconds since the epoch. */
  lease: number;
}

/** "0e:05:aa:…" → "e:5:aa:…" as bootpd writes it. */
export function bootpdMac(mac: string): string {
  return mac
    .toLowerCase()
    .split(':')
    .map((o) => o.replace(/^0(?=.)/, ''))
    .join(':');
}

export function normalizeMac(mac: string): string {
  return mac
    .toLowerCase()
    .split(':')
    .map((o) => o.padStart(2, '0'))
    .join(':');
}

export function formatLeases(leases: Lease[]): string {
  return leases
    .map(
      (l) =>
        `{\n\tname=${l.name}\n\tip_address=${l.ip}\n\thw_address=1,${bootpdMac(l.mac)}\n\tidentifier=1,${bootpdMac(l.mac)}\n\tlease=0x${l.lease.toString(16)}\n}\n`,
    )
    .join('');
}

export class MalformedLeases extends Error {}

export function parseLeases(text: string): Lease[] {
  const out: Lease[] = [];
  const re = /\{([^{}]*)\}/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const fields = new Map<string, string>();
    for (const line of (m[1] ?? '').split('\n')) {
      const t = line.trim();
      if (!t) continue;
      const eq = t.indexOf('=');
      if (eq < 0) throw new MalformedLeases(`malformed lease line: ${t}`);
      fields.set(t.slice(0, eq), t.slice(eq + 1));
    }
    const hw = fields.get('hw_address') ?? '';
    const ip = fields.get('ip_address');
    const lease = fields.get('lease');
    if (!ip || !lease || !hw.startsWith('1,')) continue;
    out.push({
      name: fields.get('name') ?? '',
      ip,
      mac: normalizeMac(hw.slice(2)),
      lease: parseInt(lease, 16),
    });
  }
  return out;
}

/** The IP of the newest unexpired lease for a MAC. */
export function resolveMac(
  leases: Lease[],
  mac: string,
  nowSec = Date.now() / 1000,
): string | undefined {
  const want = normalizeMac(mac);
  let best: Lease | undefined;
  for (const l of leases) {
    if (l.mac !== want || l.lease <= nowSec) continue;
    if (!best || l.lease >= best.lease) best = l;
  }
  return best?.ip;
}
