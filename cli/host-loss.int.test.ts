// A real `clave serve` SIGKILLed while the CLI waits on it, on the simulated VM host: during a
// `clave start` and during a `clave exec`. The CLI must fail (exec: 255, as ssh) and say why.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { socketIsLive } from '../electron/core/api/socket-client';
import { dataPaths } from '../electron/core/config/paths';
import {
  CLAVE_BIN,
  createSimWorld,
  provisionBase,
  type SimWorld,
} from '../electron/core/session/testing/sim-env';

let world: SimWorld;
const hosts: ChildProcess[] = [];

beforeAll(async () => {
  world = await createSimWorld();
  await provisionBase(world);
});

afterAll(async () => {
  for (const h of hosts) if (h.exitCode === null && h.signalCode === null) h.kill('SIGKILL');
  await world.cleanup();
});

/** `clave serve` in the foreground, as the test's own child (so the test can SIGKILL it). */
async function serve(): Promise<ChildProcess> {
  const host = spawn(CLAVE_BIN, ['serve'], { env: world.env, stdio: 'ignore' });
  hosts.push(host);
  const socket = dataPaths(world.claveHome).socket;
  for (let i = 0; i < 300 && !(await socketIsLive(socket)); i++) {
    if (host.exitCode !== null) throw new Error(`clave serve exited with ${host.exitCode}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return host;
}

/** A CLI run, with a hook that fires once its output matches. */
function cli(args: string[], when: { output: RegExp; then: () => void }) {
  const child = spawn(CLAVE_BIN, args, { env: world.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let fired = false;
  const check = () => {
    if (!fired && when.output.test(stdout + stderr)) {
      fired = true;
      when.then();
    }
  };
  child.stdout.on('data', (d: Buffer) => ((stdout += d.toString()), check()));
  child.stderr.on('data', (d: Buffer) => ((stderr += d.toString()), check()));
  return new Promise<{ code: number | null; stdout: string; stderr: string; fired: boolean }>(
    (resolve) => child.once('close', (code) => resolve({ code, stdout, stderr, fired })),
  );
}

function killed(host: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (host.exitCode !== null || host.signalCode !== null) return resolve();
    host.once('exit', () => resolve());
  });
}

describe('the session host is SIGKILLed while the CLI waits', () => {
  it('during `clave start`: non-zero, and the connection loss on stderr', async () => {
    const host = await serve();
    const project = world.project('killed-at-start');
    // The first finished step: the session is on its way, the CLI waits on progress events.
    const r = await cli(['start', project, '--detach', '--json'], {
      output: /✓/,
      then: () => host.kill('SIGKILL'),
    });
    await killed(host);
    expect(r.fired).toBe(true);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/clave: Connection to Clave lost/);
    expect(r.stderr).toMatch(/why: The Clave host closed the connection before answering/);
    expect(r.stdout).toBe('');
  });

  it('during `clave exec -- sleep 30`: exit 255, and the connection loss on stderr', async () => {
    const host = await serve();
    const project = world.project('killed-at-exec');
    const started = await cli(['start', project, '--detach', '--json'], {
      output: /$^/,
      then: () => {},
    });
    expect(started.code, started.stderr).toBe(0);
    const { id } = JSON.parse(started.stdout.trim().split('\n').at(-1)!) as { id: string };

    const t0 = Date.now();
    const r = await cli(['exec', id, '--', 'sh', '-c', 'echo ready; sleep 30'], {
      output: /ready/,
      then: () => host.kill('SIGKILL'),
    });
    await killed(host);
    expect(r.fired).toBe(true);
    expect(r.code).toBe(255);
    expect(r.stderr).toMatch(/clave: Connection to Clave lost/);
    expect(r.stderr).toMatch(/fix: The host's logs .* say why it stopped/);
    expect(Date.now() - t0).toBeLessThan(25_000);
  });
});
