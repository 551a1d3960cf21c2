// `clave orchard` as a person sets it up: the real CLI against a host (`clave serve`, the test's
// child) and the simulated Orchard controller. The token goes in on stdin, never in argv.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { socketIsLive } from '../electron/core/api/socket-client';
import { dataPaths } from '../electron/core/config/paths';
import { CLAVE_BIN, createSimWorld, type SimWorld } from '../electron/core/session/testing/sim-env';
import { startSimOrchard, type SimOrchard } from '../e2e/sim/orchard/testing';

let world: SimWorld;
let orchard: SimOrchard;
let host: ChildProcess;

beforeAll(async () => {
  world = await createSimWorld();
  orchard = await startSimOrchard({ sim: world.sim, workers: 1 });
  host = spawn(CLAVE_BIN, ['serve'], { env: world.env, stdio: 'ignore' });
  const socket = dataPaths(world.claveHome).socket;
  for (let i = 0; i < 300 && !(await socketIsLive(socket)); i++) {
    if (host.exitCode !== null) throw new Error(`clave serve exited with ${host.exitCode}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}, 120_000);

afterAll(async () => {
  if (host && host.exitCode === null && host.signalCode === null) {
    const exited = new Promise((r) => host.once('exit', r));
    host.kill('SIGTERM');
    await exited;
  }
  await orchard?.stop();
  await world?.cleanup();
}, 120_000);

/** `clave …` with `stdin` piped in; its exit code and output. */
function clave(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(CLAVE_BIN, args, { env: world.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('close', (code) => resolve({ code: code ?? -1, out, err }));
    child.stdin.end(stdin);
  });
}

describe('clave orchard', () => {
  it('connects with the token from stdin, shows the controller answering, and disconnects', async () => {
    const { name, token } = orchard.account!;
    const paths = dataPaths(world.claveHome);
    const before = await clave(['orchard']);
    expect(before.code).toBe(1);
    expect(before.out).toContain('Orchard: not set up');

    const connect = ['orchard', 'connect', '--url', orchard.url, '--account', name];
    const refused = await clave(connect, 'not-the-token\n');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(`did not accept the service account “${name}”`);
    expect(refused.err).toContain('compute:connect');
    expect(refused.err).not.toContain('not-the-token');
    expect(readFileSync(paths.settings, 'utf8')).not.toContain(orchard.url);

    const ok = await clave(connect, `${token}\n`);
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.out).toContain(`Orchard: ${name} at ${orchard.url} (from settings)`);
    expect(readFileSync(paths.settings, 'utf8')).toContain(orchard.url);
    expect(readFileSync(paths.settings, 'utf8')).not.toContain(token);
    expect(readFileSync(paths.secrets, 'utf8')).toContain(token);

    const status = await clave(['orchard']);
    expect(status.code).toBe(0);
    expect(status.out).toContain('the controller answers');

    const gone = await clave(['orchard', 'disconnect']);
    expect(gone.code).toBe(0);
    expect(gone.out).toContain('Stored Orchard token removed.');
    expect(readFileSync(paths.secrets, 'utf8')).not.toContain(token);
    expect((await clave(['orchard'])).code).toBe(1);
  }, 120_000);
});
