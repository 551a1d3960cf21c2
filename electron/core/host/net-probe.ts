// One TCP connection attempt with a deadline, its failure named by kind: what the network checks
// need to tell "nothing listens" (the route works) from "macOS will not let us out" (it does not).
import net from 'node:net';
import os from 'node:os';
import type { Problem } from '../../../shared/session';
import { isLocalNetworkRefusal, localNetworkProblem } from './local-network';

export type ProbeResult =
  | { kind: 'open' }
  | { kind: 'refused' }
  /** No route: on macOS 15+ what a missing Local Network permission looks like (local-network.ts). */
  | { kind: 'blocked'; code: string }
  | { kind: 'timeout' }
  | { kind: 'error'; code: string };

export function classifyConnectError(code: string | undefined): ProbeResult {
  if (code === 'ECONNREFUSED') return { kind: 'refused' };
  if (code && isLocalNetworkRefusal({ code })) return { kind: 'blocked', code };
  return { kind: 'error', code: code ?? 'unknown' };
}

export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (r: ProbeResult) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done({ kind: 'timeout' }), timeoutMs);
    socket.once('connect', () => done({ kind: 'open' }));
    socket.once('error', (e: NodeJS.ErrnoException) => done(classifyConnectError(e.code)));
  });
}

/** Whether an address belongs to one of this machine's interfaces (the VM bridge exists). */
export function isLocalAddress(ip: string): boolean {
  return Object.values(os.networkInterfaces()).some((list) =>
    (list ?? []).some((a) => a.address === ip),
  );
}

/** This machine's IPv4 addresses other than loopback and `except`. */
export function otherLocalAddresses(except: string): string[] {
  return Object.values(os.networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((a) => a.family === 'IPv4' && !a.internal && a.address !== except)
    .map((a) => a.address);
}

export type LocalNetworkProbe =
  | { state: 'allowed' }
  | { state: 'refused'; problem: Required<Problem> }
  | { state: 'unknown'; reason: string };

/**
 * One harmless TCP connection attempt to `host` (closed at once): on a Mac that has not decided
 * yet this raises the Local Network prompt, and its result says whether connections get through.
 * An answer of any kind (connected, or refused by the port) means the network is reachable.
 */
export async function probeLocalNetwork(
  host: string,
  options: { port?: number; timeoutMs?: number } = {},
): Promise<LocalNetworkProbe> {
  const { port = 22, timeoutMs = 3000 } = options;
  const r = await tcpProbe(host, port, timeoutMs);
  switch (r.kind) {
    case 'open':
    case 'refused':
      return { state: 'allowed' };
    case 'blocked':
      return { state: 'refused', problem: localNetworkProblem(host, r.code) };
    case 'timeout':
      return { state: 'unknown', reason: `no answer in ${timeoutMs} ms` };
    case 'error':
      return { state: 'unknown', reason: r.code };
  }
}
