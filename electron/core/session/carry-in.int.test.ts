// The person's own Claude setup carried into a session VM on the simulated host: their CLAUDE.md
// and allowed settings are in the VM, an MCP server on the Mac's loopback (started here) answers
// `curl` run inside the VM through the session's reverse tunnel — again after sshd dies and comes
// back — and each part stays on the Mac when .clave.json turns it off.
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sshConnect, sshExec } from '../../../e2e/sim/ssh';
import { createHostRuntime, type HostRuntime } from '../compose';
import { dataPaths } from '../config/paths';
import { Settings } from '../config/settings';
import { HostProcesses } from './testing/host-process';
import { createSimWorld, provisionBase, type SimWorld } from './testing/sim-env';

let world: SimWorld;
let runtime: HostRuntime | null = null;
let mcp: http.Server;
let mcpPort: number;
const requests: string[] = [];
let hosts: HostProcesses | undefined;

beforeAll(async () => {
  world = await createSimWorld();
  await provisionBase(world);
  mcp = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    res.end(`mcp on the Mac ${req.url ?? ''}`);
  });
  await new Promise<void>((r) => mcp.listen(0, '127.0.0.1', () => r()));
  mcpPort = (mcp.address() as net.AddressInfo).port;
  // The Mac's HOME (the simulated host's): the person's own Claude files.
  const home = world.env.HOME!;
  mkdirSync(path.join(home, '.claude'), { recursive: true });
  writeFileSync(path.join(home, '.claude', 'CLAUDE.md'), '# From my Mac: answer in haiku\n');
  writeFileSync(
    path.join(home, '.claude', 'settings.json'),
    JSON.stringify({
      model: 'opus',
      env: { FEATURE_FLAG: 'on', GITHUB_TOKEN: 'ghp_stays-on-the-mac' },
      hooks: { Stop: [{ hooks: [{ type: 'command', command: `${home}/bin/ding` }] }] },
      statusLine: { type: 'command', command: '~/.claude/status.sh' },
      permissions: { allow: ['Bash(php artisan test)', `Read(${home}/secrets/**)`] },
    }),
  );
  writeFileSync(
    path.join(home, '.claude.json'),
    JSON.stringify({
      mcpServers: {
        docs: { type: 'http', url: `http://127.0.0.1:${mcpPort}/mcp` },
        files: { command: '/opt/homebrew/bin/mcp-files' },
      },
    }),
  );
}, 120_000);

afterEach(async () => {
  await runtime?.shutdown();
  runtime = null;
});

afterAll(async () => {
  await hosts?.stopAll();
  await new Promise<void>((r) => (mcp ? mcp.close(() => r()) : r()));
  await world?.cleanup();
});

async function host(): Promise<HostRuntime> {
  runtime = await createHostRuntime({
    paths: dataPaths(world.claveHome),
    settings: Settings.parse({
      vm: { cpus: 1, memoryMb: 1024 },
      timeouts: { ipSeconds: 30, sshSeconds: 30, mountSeconds: 10, commandSeconds: 60 },
      pool: { size: 0 }, // no standby VMs besides the sessions a test starts
    }),
    face: 'cli',
    env: world.env,
  });
  await runtime.reconciled;
  return runtime;
}

/** A command as the VM user, over a connection of the test's own. */
async function inVm(ip: string, cmd: string) {
  const ssh = await sshConnect(ip);
  try {
    return await sshExec(ssh, cmd);
  } finally {
    ssh.end();
  }
}

/** Waits until `curl` inside the VM fails (the tunnel's VM end is gone); whether it did. */
async function tunnelGone(vm: string): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    if ((await curlInVm(vm)) === null) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** What `curl` inside the VM gets from the MCP server's URL (run without ssh, as tart exec). */
async function curlInVm(vm: string): Promise<string | null> {
  const url = `http://127.0.0.1:${mcpPort}/mcp`;
  return world.tart('exec', vm, '/usr/bin/curl', '-sS', '--max-time', '3', url).catch(() => null);
}

describe("the person's own Claude setup in the VM", () => {
  it('CLAUDE.md, the allowed settings merged with Clave’s, and a localhost MCP server reachable from the VM', async () => {
    const h = await host();
    const s = await h.host.start({ projectDir: world.project('carry-in'), wait: true });
    expect(s.mcpTunnels).toEqual([{ name: 'docs', port: mcpPort }]);
    expect(s.warnings.map((w) => w.what)).toContain('MCP servers not carried into the VM: files');

    expect((await inVm(s.vmIp!, 'cat ~/.claude/CLAUDE.md')).stdout).toBe(
      '# From my Mac: answer in haiku\n',
    );
    const settings = JSON.parse((await inVm(s.vmIp!, 'cat ~/.claude/settings.json')).stdout);
    expect(settings).toMatchObject({
      model: 'opus',
      skipDangerousModePermissionPrompt: true,
      env: { FEATURE_FLAG: 'on' },
      permissions: { skipDangerousModePermissionPrompt: true, allow: ['Bash(php artisan test)'] },
    });
    expect(JSON.stringify(settings)).not.toMatch(/ghp_|ding|status\.sh|secrets/);
    const state = JSON.parse((await inVm(s.vmIp!, 'cat ~/.claude.json')).stdout);
    expect(state.mcpServers).toEqual({
      docs: { type: 'http', url: `http://127.0.0.1:${mcpPort}/mcp` },
    });

    // The same URL inside the VM reaches the server on the Mac's loopback.
    expect(await curlInVm(s.vmName!)).toBe('mcp on the Mac /mcp');

    // sshd dies (its connection with it) and comes back: the tunnel is made again.
    await world.tart('exec', s.vmName!, 'sudo', 'pkill', '-x', 'sshd');
    // The VM's end of the tunnel lived in the dead connection's sshd.
    expect(await tunnelGone(s.vmName!)).toBe(true);
    await world.tart('exec', s.vmName!, 'sudo', '/usr/sbin/sshd', '-f', '/etc/ssh/sshd_config');
    let answer: string | null = null;
    for (let i = 0; i < 60 && answer === null; i++) {
      answer = await curlInVm(s.vmName!);
      if (answer === null) await new Promise((r) => setTimeout(r, 500));
    }
    expect(answer).toBe('mcp on the Mac /mcp');
    expect(h.host.get(s.id).mcpTunnels).toEqual([{ name: 'docs', port: mcpPort }]);

    expect((await h.host.stop(s.id, 'discard')).teardownProblems).toEqual([]);
  }, 180_000);

  it('each part stays on the Mac when .clave.json turns it off', async () => {
    const h = await host();
    const project = world.project('carry-off');
    writeFileSync(
      path.join(project, '.clave.json'),
      JSON.stringify({
        claude: { carryClaudeMd: false, carrySettings: false, mcpTunnels: false },
      }),
    );
    const s = await h.host.start({ projectDir: project, wait: true });
    expect(s.mcpTunnels).toEqual([]);
    // (The simulated Mac runs no MySQL/Redis: those warnings are not this test's.)
    expect(s.warnings.filter((w) => /MCP|carried|Claude/.test(w.what))).toEqual([]);
    const md = await inVm(s.vmIp!, 'test -e ~/.claude/CLAUDE.md; echo $?');
    expect(md.stdout).toBe('1\n');
    const settings = JSON.parse((await inVm(s.vmIp!, 'cat ~/.claude/settings.json')).stdout);
    expect(settings).not.toHaveProperty('model');
    expect(settings).not.toHaveProperty('env');
    const state = JSON.parse((await inVm(s.vmIp!, 'cat ~/.claude.json')).stdout);
    expect(state).not.toHaveProperty('mcpServers');
    expect(await curlInVm(s.vmName!)).toBeNull();
    expect((await h.host.stop(s.id, 'discard')).teardownProblems).toEqual([]);
  }, 180_000);

  it('a host killed mid-session: the next one re-attaches and makes the MCP tunnel again', async () => {
    hosts = new HostProcesses(world);
    const first = await hosts.start();
    const s = await first.api.call('sessions.start', {
      projectDir: world.project('carry-crash'),
      wait: true,
    });
    expect(s.mcpTunnels).toEqual([{ name: 'docs', port: mcpPort }]);
    expect(await curlInVm(s.vmName!)).toBe('mcp on the Mac /mcp');
    first.end();
    await hosts.crash();
    // The tunnel's VM end went with the dead host's connection.
    expect(await tunnelGone(s.vmName!)).toBe(true);

    const second = await hosts.start();
    const after = await second.api.call('sessions.get', { id: s.id });
    expect(after.state).toBe('running');
    expect(after.mcpTunnels).toEqual([{ name: 'docs', port: mcpPort }]);
    expect(await curlInVm(s.vmName!)).toBe('mcp on the Mac /mcp');
    const stop = await second.api.call('sessions.stop', { id: s.id, onExit: 'discard' });
    expect(stop.teardownProblems).toEqual([]);
    second.end();
  }, 180_000);
});
