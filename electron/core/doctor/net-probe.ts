// One TCP connection attempt with a deadline, its failure named by kind: what the network checks
// need to tell "nothing listens" (the route works) from "macOS will not let us out" (it does not).
import net from 'node:net';
import os from 'node:os';

export type ProbeResult =
  | { kind: 'open' }
  | { kind: 'refused' }
  /** No route, or the OS refused to send: on macOS 15+ what a missing Local Network permission looks like. */
  | { kind: 'blocked'; code: string }
  | { kind: 'timeout' }
  | { kind: 'error'; code: string };

export function classifyConnectError(code: string | undefined): ProbeResult {
  switch (code) {
    case 'ECONNREFUSED':
      return { kind: 'refused' };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EPERM':
    case 'EACCES':
      return { kind: 'blocked', code };
    default:
      return { kind: 'error', code: code ?? 'unknown' };
  }
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
