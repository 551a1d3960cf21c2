// Host "services" on the simulated NAT gateway (192.168.64.1), standing in for Herd Pro's MySQL and
// Redis as a VM sees them through DiscoverGateway: a MySQL listener that greets like a MySQL 8
// server and answers every packet with OK, and a Redis listener that speaks enough RESP (PING,
// ECHO, AUTH, SELECT, GET, SET, INFO, QUIT). Switch them per test; while one runs, the bridge stays.
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { GATEWAY_IP, simSettings } from './config';
import { ensureBridge, removeBridgeIfUnused, servicesDir } from './tart/network';
import { selfRef } from './util/proc';

export interface HostServicesOptions {
  /** true → port 3306; a number → that port (0: any free one). */
  mysql?: boolean | number;
  /** true → port 6379; a number → that port (0: any free one). */
  redis?: boolean | number;
}

export interface HostServices {
  mysqlPort?: number;
  redisPort?: number;
  /** Connections accepted so far, per service. */
  connections: { mysql: number; redis: number };
  close(): Promise<void>;
}

function packet(seq: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h.writeUIntLE(payload.length, 0, 3);
  h[3] = seq & 0xff;
  return Buffer.concat([h, payload]);
}

function mysqlGreeting(): Buffer {
  const salt = randomBytes(20).map((b) => (b % 94) + 33);
  const payload = Buffer.concat([
    Buffer.from([10]),
    Buffer.from('8.0.40-tart-sim\0'),
    Buffer.from([1, 0, 0, 0]), // connection id
    salt.subarray(0, 8),
    Buffer.from([0]),
    Buffer.from([0xff, 0xf7]), // capabilities (lower)
    Buffer.from([0xff]), // charset utf8mb4
    Buffer.from([2, 0]), // status
    Buffer.from([0xff, 0xdf]), // capabilities (upper)
    Buffer.from([21]),
    Buffer.alloc(10),
    salt.subarray(8),
    Buffer.from([0]),
    Buffer.from('caching_sha2_password\0'),
  ]);
  return packet(0, payload);
}

function serveMysql(sock: Socket): void {
  sock.write(mysqlGreeting());
  sock.on('data', (d) => {
    // Reply OK to whatever arrives (handshake response, COM_PING, queries); COM_QUIT closes.
    const seq = d[3] ?? 0;
    if (d[4] === 0x01 && d.length === 5) {
      sock.end();
      return;
    }
    sock.write(packet(seq + 1, Buffer.from([0, 0, 0, 2, 0, 0, 0])));
  });
  sock.on('error', () => undefined);
}

function serveRedis(sock: Socket): void {
  let buf = '';
  const store = new Map<string, string>();
  sock.on('data', (d) => {
    buf += d.toString('utf8');
    for (;;) {
      const cmd = takeCommand();
      if (!cmd) return;
      const [name = '', ...args] = cmd;
      switch (name.toUpperCase()) {
        case 'PING':
          sock.write(args[0] ? `$${Buffer.byteLength(args[0])}\r\n${args[0]}\r\n` : '+PONG\r\n');
          break;
        case 'ECHO':
          sock.write(`$${Buffer.byteLength(args[0] ?? '')}\r\n${args[0] ?? ''}\r\n`);
          break;
        case 'GET': {
          const v = store.get(args[0] ?? '');
          sock.write(v === undefined ? '$-1\r\n' : `$${Buffer.byteLength(v)}\r\n${v}\r\n`);
          break;
        }
        case 'SET':
          store.set(args[0] ?? '', args[1] ?? '');
          sock.write('+OK\r\n');
          break;
        case 'INFO': {
          const info = '# Server\r\nredis_version:7.2.4\r\n';
          sock.write(`$${info.length}\r\n${info}\r\n`);
          break;
        }
        case 'QUIT':
          sock.end('+OK\r\n');
          return;
        case 'AUTH':
        case 'SELECT':
        case 'CLIENT':
          sock.write('+OK\r\n');
          break;
        default:
          sock.write(`-ERR unknown command '${name}'\r\n`);
      }
    }
  });
  sock.on('error', () => undefined);

  function takeCommand(): string[] | undefined {
    if (!buf) return undefined;
    if (buf[0] !== '*') {
      const nl = buf.indexOf('\n');
      if (nl < 0) return undefined;
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      return line.split(/\s+/);
    }
    const lines = buf.split('\r\n');
    const n = Number(lines[0]?.slice(1));
    if (lines.length < 1 + n * 2 + 1) return undefined;
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(lines[2 + i * 2] ?? '');
    buf = lines.slice(1 + n * 2).join('\r\n');
    return out;
  }
}

function listen(
  port: number,
  handler: (s: Socket) => void,
  accepted: (s: Socket) => void,
): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((s) => {
      accepted(s);
      handler(s);
    });
    server.once('error', reject);
    server.listen(port, GATEWAY_IP, () => resolve(server));
  });
}

/** Keeps the bridge (and so the gateway address) up for a listener of this process; returns its release. */
export function holdGateway(): () => void {
  const s = simSettings();
  const reg = join(servicesDir(s), `${process.pid}-${randomBytes(4).toString('hex')}`);
  writeFileSync(reg, JSON.stringify(selfRef()));
  ensureBridge(s);
  return () => {
    rmSync(reg, { force: true });
    removeBridgeIfUnused(s);
  };
}

export async function startHostServices(opts: HostServicesOptions): Promise<HostServices> {
  const release = holdGateway();
  const servers: Server[] = [];
  const connections = { mysql: 0, redis: 0 };
  const sockets = new Set<Socket>();
  const track = (kind: 'mysql' | 'redis') => (sock: Socket) => {
    connections[kind]++;
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
  };
  const result: HostServices = {
    connections,
    close: async () => {
      const closing = servers.map((sv) => new Promise((r) => sv.close(() => r(undefined))));
      for (const sock of sockets) sock.destroy();
      await Promise.all(closing);
      release();
    },
  };
  try {
    const bound = (sv: Server) => (sv.address() as AddressInfo).port;
    if (opts.mysql !== undefined && opts.mysql !== false) {
      const sv = await listen(opts.mysql === true ? 3306 : opts.mysql, serveMysql, track('mysql'));
      servers.push(sv);
      result.mysqlPort = bound(sv);
    }
    if (opts.redis !== undefined && opts.redis !== false) {
      const sv = await listen(opts.redis === true ? 6379 : opts.redis, serveRedis, track('redis'));
      servers.push(sv);
      result.redisPort = bound(sv);
    }
  } catch (e) {
    await result.close();
    throw e;
  }
  return result;
}
