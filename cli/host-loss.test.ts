// Every `clave` command against a host that goes away before its answer: each must fail non-zero
// with the connection-lost Problem on stderr (exec and ssh with 255, as ssh does), never exit 0.
// The host here is a real socket server speaking the wire protocol: it answers the calls a
// command makes before it waits (start → an id; terminal.open → a terminal), then drops the
// connection; any other call it drops at once. (The SIGKILLed `clave serve` is host-loss.int.test.ts.)
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPaths } from '../electron/core/config/paths';
import { CLAVE_BIN } from '../electron/core/session/testing/sim-env';

const run = promisify(execFile);
const ID = 'a1b2c3d4';
const VMGONE = 'vmgone01';
const summary = {
  id: ID,
  projectDir: '/tmp/p',
  projectName: 'p',
  state: 'running',
  baseBranch: 'main',
  branch: `clave/s-${ID}`,
  worktreeDir: null,
  vmName: `clave-${ID}`,
  vmIp: null,
  tunnelPort: null,
  proxyName: null,
  url: null,
  urlNote: null,
  warnings: [],
  error: null,
  startedAt: new Date().toISOString(),
  endedAt: null,
};
/** What the dying host still answers: the calls after which a command waits on events. */
const answers: Record<string, unknown> = {
  'sessions.start': { ...summary, state: 'starting' },
  'sessions.get': summary,
  'terminal.open': { terminalId: 't1' },
};

let home: string;
let server: net.Server;

beforeAll(async () => {
  home = mkdtempSync(path.join(os.tmpdir(), 'clave-host-loss-'));
  server = net.createServer((socket) => {
    socket.on('error', () => {});
    const lines = createInterface({ input: socket });
    lines.on('line', (line) => {
      const req = JSON.parse(line) as { id: number; method: string; params: unknown };
      if (!Object.hasOwn(answers, req.method)) return void socket.destroy();
      socket.write(JSON.stringify({ id: req.id, result: answers[req.method] }) + '\n');
      if (req.method === 'sessions.get') return;
      // Session VMGONE: the host stays, but the VM's side ends without an exit status.
      if (JSON.stringify(req.params).includes(VMGONE)) {
        const exit = { event: 'terminal.exit', payload: { terminalId: 't1', exitCode: null } };
        return void setTimeout(() => socket.write(JSON.stringify(exit) + '\n'), 200);
      }
      setTimeout(() => socket.destroy(), 200);
    });
  });
  await new Promise<void>((r) => server.listen(dataPaths(home).socket, r));
});

afterAll(() => {
  server.close();
  rmSync(home, { recursive: true, force: true });
});

async function clave(...args: string[]) {
  try {
    const r = await run(CLAVE_BIN, args, {
      env: { ...process.env, CLAVE_HOME: home },
      timeout: 30_000,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

describe('the host goes away before answering', () => {
  it.each([
    [['start', '/tmp/p', '--detach', '--json'], 1],
    [['start', '/tmp/p'], 1],
    [['/tmp/p', '--on-exit=keep'], 1],
    [['exec', ID, '--', 'sleep', '30'], 255],
    [['ssh', ID], 255],
    [['attach', ID], 1],
    [['stop', ID, '--on-exit=keep'], 1],
    [['stop', ID], 1],
    [['sessions'], 1],
    [['cleanup', '--dry-run'], 1],
    [['doctor'], 1],
    [['auth', '--status'], 1],
    [['auth', '--clear'], 1],
  ])('clave %j fails with %i and says so', { timeout: 40_000 }, async (args, code) => {
    const r = await clave(...args);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(/^clave: Connection to Clave lost/m);
    expect(r.stderr).toMatch(/why: The Clave host closed the connection before answering/);
    expect(r.stderr).toMatch(/fix: The host's logs .* say why it stopped/);
    expect(r.stdout).toBe('');
  });
});

describe('the VM goes away while the host stays', () => {
  it.each([
    [['exec', VMGONE, '--', 'true'], 255],
    [['ssh', VMGONE], 255],
    [['attach', VMGONE], 1],
  ])('clave %j fails with %i and says so', { timeout: 40_000 }, async (args, code) => {
    const r = await clave(...args);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(/^clave: The terminal in the VM ended without an exit status/m);
  });
});
