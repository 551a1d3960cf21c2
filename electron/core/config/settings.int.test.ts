// A settings change through the API reaches the next session and not the running one, on the
// simulated VM host: two real VMs, their CPU counts read back from tart.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SessionSummary } from '../../../shared/session';
import type { Client } from '../api/dispatch';
import { createHostRuntime, type HostRuntime } from '../compose';
import { createSimWorld, provisionBase, type SimWorld } from '../session/testing/sim-env';
import { dataPaths } from './paths';
import { loadSettings } from './settings';

let world: SimWorld;
let rt: HostRuntime;
const client: Client = { id: 'test', send: () => {}, onClose: () => {} };
const call = (method: string, params: object) => rt.dispatch({ method, params }, client);

beforeAll(async () => {
  world = await createSimWorld();
  await provisionBase(world);
  const paths = dataPaths(world.claveHome);
  rt = await createHostRuntime({
    paths,
    settings: loadSettings(paths.settings, world.env),
    face: 'cli',
    env: world.env,
  });
});
afterAll(async () => {
  await rt?.shutdown();
  await world?.cleanup();
});

it('a saved change applies to sessions started afterwards; the running one keeps its settings', async () => {
  const cpusOf = async (s: SessionSummary) =>
    (JSON.parse(await world.tart('get', s.vmName!, '--format', 'json')) as { CPU: number }).CPU;
  const project = world.project('settings-app');
  const first = (await call('sessions.start', {
    projectDir: project,
    wait: true,
  })) as SessionSummary;
  expect(await cpusOf(first)).toBe(1);

  expect(await call('settings.update', { patch: { vm: { cpus: 0 } } })).toMatchObject({
    ok: false,
  });
  expect(await call('settings.update', { patch: { vm: { cpus: 2 } } })).toMatchObject({ ok: true });
  const second = (await call('sessions.start', {
    projectDir: project,
    wait: true,
  })) as SessionSummary;
  expect(await cpusOf(second)).toBe(2);
  expect(await cpusOf(first)).toBe(1);

  for (const s of [first, second])
    await call('sessions.stop', { id: s.id, onExit: 'discard', force: true });
  expect((await call('sessions.list', {})) as unknown[]).toEqual([]);
});
