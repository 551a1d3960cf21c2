import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import { PortAllocator, PortError, type PortLease } from './ports';

// A range away from the default so this never fights with real sessions or other tests.
function freshRange(size: number) {
  const from = 30000 + Math.floor(Math.random() * 20000);
  return { from, to: from + size - 1 };
}

const leases: PortLease[] = [];
const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(leases.splice(0).map((l) => l.release()));
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

function occupy(port: number, host = '127.0.0.1'): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(port, host, () => {
      servers.push(s);
      resolve(s);
    });
  });
}

function canBind(port: number): Promise<boolean> {
  return occupy(port).then(
    (s) => new Promise<boolean>((r) => s.close(() => r(true))).finally(() => servers.pop()),
    () => false,
  );
}

describe('PortAllocator', () => {
  it('defaults to 8081–8199 on loopback', () => {
    const a = new PortAllocator();
    expect(a.range).toEqual({ from: 8081, to: 8199 });
    expect(a.host).toBe('127.0.0.1');
  });

  it('takes new leases from a changed range and keeps the ones it holds', async () => {
    const first = freshRange(2);
    const a = new PortAllocator({ range: first });
    const held = await a.allocate();
    leases.push(held);
    const second = freshRange(2);
    a.setRange(second);
    const next = await a.allocate();
    leases.push(next);
    expect(next.port).toBe(second.from);
    expect(await canBind(held.port)).toBe(false);
    expect(() => a.setRange({ from: 9000, to: 8000 })).toThrow();
  });

  it('holds the port it hands out (nobody else can bind it)', async () => {
    const range = freshRange(5);
    const lease = await new PortAllocator({ range }).allocate();
    leases.push(lease);
    expect(lease.port).toBe(range.from);
    expect(lease.server.listening).toBe(true);
    expect(await canBind(lease.port)).toBe(false);
  });

  it('skips ports that something else is using', async () => {
    const range = freshRange(5);
    await occupy(range.from);
    await occupy(range.from + 1);
    const lease = await new PortAllocator({ range }).allocate();
    leases.push(lease);
    expect(lease.port).toBe(range.from + 2);
  });

  it('gives distinct ports to many concurrent sessions, then reports exhaustion', async () => {
    const range = freshRange(20);
    const a = new PortAllocator({ range });
    const b = new PortAllocator({ range }); // a second app instance racing for the same range
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).allocate()),
    );
    leases.push(...results);
    const ports = results.map((l) => l.port);
    expect(new Set(ports).size).toBe(20);
    expect(Math.min(...ports)).toBe(range.from);
    expect(Math.max(...ports)).toBe(range.to);
    const error = await a.allocate().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortError);
    expect((error as PortError).code).toBe('ports.exhausted');
    expect((error as PortError).fix).toMatch(/port range/);
  });

  it('frees the port on release, or when the holder closes the server', async () => {
    const range = freshRange(3);
    const a = new PortAllocator({ range });
    const first = await a.allocate();
    await first.release();
    await first.release();
    expect(a.heldPorts()).toEqual([]);
    expect(await canBind(first.port)).toBe(true);
    const again = await a.allocate();
    expect(again.port).toBe(first.port);
    await new Promise((r) => again.server.close(r));
    expect(a.heldPorts()).toEqual([]);
  });

  it('validates the range', () => {
    expect(() => new PortAllocator({ range: { from: 9000, to: 8000 } })).toThrow();
    expect(() => new PortAllocator({ range: { from: 80, to: 90 } })).toThrow();
  });

  it('reports a bind failure that is not "in use"', async () => {
    const error = await new PortAllocator({ range: freshRange(2), host: '203.0.113.7' })
      .allocate()
      .catch((e: unknown) => e);
    expect((error as PortError).code).toBe('ports.bind-failed');
  });
});
