// A session's MCP tunnels against a real OpenSSH server: what is live is reported, a port taken
// in the guest is named with the servers it leaves out, a new connection gets every tunnel again,
// and close() ends them.
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSsh, type SshConnection } from '../host/ssh';
import { command } from '../host/shell-quote';
import { startSshd, type Sshd } from '../host/testing/sshd';
import type { CarriedMcpServer } from './guest/mcp';
import { McpTunnels, type McpTunnelsReport } from './mcp-tunnels';

let sshd: Sshd;
let web: http.Server;
let webPort: number;

const connect = () =>
  connectSsh({
    host: sshd.address,
    port: sshd.port,
    username: sshd.user,
    password: sshd.password,
    deadlineMs: 10_000,
  });

beforeAll(async () => {
  sshd = await startSshd();
  web = http.createServer((req, res) => res.end(`mcp ${req.url ?? ''}`));
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', () => r()));
  webPort = (web.address() as net.AddressInfo).port;
});

afterAll(async () => {
  await sshd?.stop();
  await new Promise<void>((r) => (web ? web.close(() => r()) : r()));
});

/**
 * The "guest" shares this machine's loopback here, so the two ends of one port must differ:
 * the guest listens on ::1, the "Mac" server answers on 127.0.0.1.
 */
function server(name: string, port: number): CarriedMcpServer {
  return {
    name,
    port,
    macHost: '127.0.0.1',
    guestHost: '::1',
    config: { type: 'http', url: `http://[::1]:${port}/` },
  };
}

async function curl(ssh: SshConnection, port: number) {
  const r = await ssh.exec(command(['curl', '-sS', '--max-time', '5', `http://[::1]:${port}/x`]));
  return r.code === 0 ? r.stdout : null;
}

describe('MCP tunnels', () => {
  it('reports what is live and what a taken port leaves out, reopens on a new connection, closes', async () => {
    const free = webPort;
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, '::1', () => r()));
    const takenPort = (taken.address() as net.AddressInfo).port;
    const reports: McpTunnelsReport[] = [];
    const tunnels = new McpTunnels(
      [server('docs', free), server('docs-sse', free), server('busy', takenPort)],
      (r) => reports.push(r),
    );
    const first = await connect();
    try {
      await tunnels.useConnection(first);
      expect(reports).toHaveLength(1);
      expect(reports[0]!.live).toEqual([
        { name: 'docs', port: free },
        { name: 'docs-sse', port: free },
      ]);
      expect(reports[0]!.problems).toHaveLength(1);
      expect(reports[0]!.problems[0]!.what).toBe(
        `The VM cannot reach MCP server busy (port ${takenPort})`,
      );
      expect(reports[0]!.problems[0]!.why).toMatch(/port is taken in the VM/);
      expect(await curl(first, free)).toBe('mcp /x');

      // The connection is lost: the next one gets the tunnels again.
      await first.close();
      const second = await connect();
      await tunnels.useConnection(second);
      expect(reports.at(-1)!.live.map((t) => t.name)).toEqual(['docs', 'docs-sse']);
      expect(await curl(second, free)).toBe('mcp /x');

      await tunnels.close();
      expect(await curl(second, free)).toBeNull();
      // Closed for good: a later connection opens nothing.
      await tunnels.useConnection(second);
      expect(await curl(second, free)).toBeNull();
      expect(reports).toHaveLength(2);
      await second.close();
    } finally {
      await new Promise<void>((r) => taken.close(() => r()));
    }
  });
});
