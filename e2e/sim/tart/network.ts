// The simulated vmnet NAT: a Linux bridge holding the gateway address 192.168.64.1/24 on the host,
// and per VM a veth pair whose guest end (eth0, with the VM's MAC) lives in the VM's network
// namespace. Nothing is forwarded: the bridge has IPv4 forwarding off, so guest traffic can reach
// only the host itself (the gateway) and the other guests, never another network.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BRIDGE_NAME, GATEWAY_IP, NAME_PREFIX, SUBNET_PREFIX, type SimSettings } from '../config';
import { withLockSync } from '../util/lock';
import { isAlive, sh, trySh, type ProcRef } from '../util/proc';
import { listDir } from '../util/fsx';

export function netLock(s: SimSettings): string {
  mkdirSync(s.runDir, { recursive: true });
  return join(s.runDir, 'net.lock');
}

function linkExists(name: string): boolean {
  return existsSync(`/sys/class/net/${name}`);
}

function writeSysctl(path: string, value: string): void {
  try {
    writeFileSync(path, value);
  } catch {
    // Not every kernel exposes every knob (e.g. IPv6 disabled entirely).
  }
}

/** Creates the bridge if missing. Call with the net lock held. */
export function ensureBridgeLocked(): void {
  if (linkExists(BRIDGE_NAME)) return;
  const routes = trySh('ip', ['-4', 'route', 'show', `${SUBNET_PREFIX}.0/24`]).out.trim();
  if (routes) {
    throw new Error(
      `${SUBNET_PREFIX}.0/24 is already routed on this host (${routes}); cannot simulate vmnet`,
    );
  }
  sh('ip', ['link', 'add', BRIDGE_NAME, 'type', 'bridge']);
  writeSysctl(`/proc/sys/net/ipv6/conf/${BRIDGE_NAME}/disable_ipv6`, '1');
  writeSysctl(`/proc/sys/net/ipv4/conf/${BRIDGE_NAME}/forwarding`, '0');
  sh('ip', ['addr', 'add', `${GATEWAY_IP}/24`, 'dev', BRIDGE_NAME]);
  sh('ip', ['link', 'set', BRIDGE_NAME, 'up']);
}

export function ensureBridge(s: SimSettings): void {
  withLockSync(netLock(s), ensureBridgeLocked);
}

export function vethName(runId: string): string {
  return `${NAME_PREFIX}-${runId.slice(0, 8)}`;
}

/** Plugs a running guest (by host PID of any process in its network namespace) into the bridge. */
export function attachGuest(s: SimSettings, guestPid: number, veth: string, mac: string): void {
  withLockSync(netLock(s), () => {
    ensureBridgeLocked();
    sh('ip', [
      'link',
      'add',
      veth,
      'type',
      'veth',
      'peer',
      'name',
      'eth0',
      'netns',
      String(guestPid),
    ]);
    writeSysctl(`/proc/sys/net/ipv6/conf/${veth}/disable_ipv6`, '1');
    sh('ip', ['link', 'set', veth, 'master', BRIDGE_NAME]);
    sh('ip', ['link', 'set', veth, 'up']);
  });
  sh('nsenter', [
    '-t',
    String(guestPid),
    '-n',
    'sh',
    '-c',
    [
      'echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6 2>/dev/null',
      'echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6 2>/dev/null',
      `ip link set eth0 address ${mac}`,
      'ip link set lo up',
      'ip link set eth0 up',
    ].join('; ') + '; true',
  ]);
}

/** The guest's DHCP client got its lease: address and default route via the gateway. */
export function configureGuestIp(guestPid: number, ip: string): void {
  sh('nsenter', [
    '-t',
    String(guestPid),
    '-n',
    'sh',
    '-c',
    `ip addr add ${ip}/24 brd ${SUBNET_PREFIX}.255 dev eth0 && ip route add default via ${GATEWAY_IP} dev eth0`,
  ]);
  // Addresses are reused at once (any VM on this host, any TART_HOME): the host may still hold the
  // previous owner's MAC as REACHABLE for up to ~45 s, sending this guest's traffic nowhere. A
  // real DHCP client announces itself (gratuitous ARP); forgetting the old entry has that effect.
  trySh('ip', ['neigh', 'del', ip, 'dev', BRIDGE_NAME]);
}

export function detachVeth(veth: string): void {
  if (linkExists(veth)) trySh('ip', ['link', 'del', veth]);
}

// --- IP address management: one reservation file per address, owned by a `tart run` process.

interface Reservation {
  runId: string;
  owner: ProcRef;
}

function ipamDir(s: SimSettings): string {
  const d = join(s.runDir, 'ipam');
  mkdirSync(d, { recursive: true });
  return d;
}

function liveReservations(s: SimSettings): Map<string, Reservation> {
  const dir = ipamDir(s);
  const live = new Map<string, Reservation>();
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    try {
      const r = JSON.parse(readFileSync(p, 'utf8')) as Reservation;
      if (isAlive(r.owner)) live.set(f, r);
      else rmSync(p, { force: true });
    } catch {
      rmSync(p, { force: true });
    }
  }
  return live;
}

export function allocateIp(s: SimSettings, runId: string, owner: ProcRef): string {
  return withLockSync(netLock(s), () => {
    const live = liveReservations(s);
    for (let i = 2; i < 255; i++) {
      const ip = `${SUBNET_PREFIX}.${i}`;
      if (live.has(ip)) continue;
      writeFileSync(join(ipamDir(s), ip), JSON.stringify({ runId, owner }));
      return ip;
    }
    throw new Error('the simulated DHCP pool is exhausted');
  });
}

export function releaseIp(s: SimSettings, ip: string, runId: string): void {
  withLockSync(netLock(s), () => {
    const p = join(ipamDir(s), ip);
    try {
      const r = JSON.parse(readFileSync(p, 'utf8')) as Reservation;
      if (r.runId === runId) rmSync(p, { force: true });
    } catch {
      // already gone
    }
  });
}

/** Host-service listeners (services.ts) keep the bridge alive while they are registered. */
export function servicesDir(s: SimSettings): string {
  const d = join(s.runDir, 'services');
  mkdirSync(d, { recursive: true });
  return d;
}

function liveServices(s: SimSettings): number {
  let n = 0;
  const dir = servicesDir(s);
  for (const f of readdirSync(dir)) {
    try {
      const owner = JSON.parse(readFileSync(join(dir, f), 'utf8')) as ProcRef;
      if (isAlive(owner)) n++;
      else rmSync(join(dir, f), { force: true });
    } catch {
      rmSync(join(dir, f), { force: true });
    }
  }
  return n;
}

/** Removes the bridge once no VM and no host service uses it (vmnet's bridge100 goes away too). */
export function removeBridgeIfUnused(s: SimSettings): void {
  withLockSync(netLock(s), () => {
    if (!linkExists(BRIDGE_NAME)) return;
    if (listDir(`/sys/class/net/${BRIDGE_NAME}/brif`).length > 0) return;
    if (liveReservations(s).size > 0) return;
    if (liveServices(s) > 0) return;
    trySh('ip', ['link', 'del', BRIDGE_NAME]);
  });
}
