// The herd adapter against the simulated Herd (e2e/sim): installed under HOME where Herd puts it,
// not on PATH, as on a Mac whose app was started from Finder.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimHost, type SimHost } from '../../../e2e/sim/harness';
import { Herd, HerdError } from './herd';

let sim: SimHost;
let noHerd: SimHost;

beforeAll(async () => {
  sim = await createSimHost();
  noHerd = await createSimHost({ herd: false });
});

afterAll(async () => {
  await sim?.cleanup();
  await noHerd?.cleanup();
});

function herdFor(host: SimHost): Herd {
  // A Finder-like PATH: Herd must be found in ~/Library/Application Support/Herd/bin.
  return new Herd({
    home: host.home,
    env: {
      ...host.processEnv(),
      PATH: `/usr/bin:/bin:/usr/sbin:/sbin:${process.execPath.replace(/\/node$/, '')}`,
      SHELL: '',
    },
  });
}

describe('herd on the simulated host', () => {
  it('finds Herd where Herd installs itself', async () => {
    expect(await herdFor(sim).availability()).toEqual({
      available: true,
      binary: sim.herdBin,
      via: 'well-known',
    });
  });

  it('proxies a session, lists it, and removes it', async () => {
    const herd = herdFor(sim);
    expect(await herd.tld()).toBe('test');
    expect(await herd.proxy('clave-a1b2', 'http://127.0.0.1:8123')).toEqual({
      url: 'http://clave-a1b2.test',
    });
    expect(await herd.proxy('shop-c3d4', 'http://127.0.0.1:8124', { secure: true })).toEqual({
      url: 'https://shop-c3d4.test',
    });
    const proxies = await herd.proxies();
    expect(proxies).toEqual(
      expect.arrayContaining([
        {
          site: 'clave-a1b2',
          secure: false,
          url: 'http://clave-a1b2.test',
          target: 'http://127.0.0.1:8123',
        },
        {
          site: 'shop-c3d4',
          secure: true,
          url: 'https://shop-c3d4.test',
          target: 'http://127.0.0.1:8124',
        },
      ]),
    );
    await herd.unproxy('clave-a1b2');
    expect((await herd.proxies()).map((p) => p.site)).not.toContain('clave-a1b2');
    await herd.unproxy('shop-c3d4');
  });

  it('treats removing an unknown site as done', async () => {
    await herdFor(sim).unproxy('never-proxied');
  });

  it('reports Herd failures with Herd’s message', async () => {
    const herd = herdFor(sim);
    sim.setFaults('herd-fail');
    try {
      const error = await herd.proxy('clave-x', 'http://127.0.0.1:8125').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HerdError);
      expect((error as HerdError).code).toBe('herd.failed');
      expect((error as HerdError).why).toMatch(/Herd is not running/);
      await expect(herd.unproxy('clave-x')).rejects.toMatchObject({ code: 'herd.failed' });
    } finally {
      sim.clearFaults();
    }
  });

  it('is unavailable, with a reason, when Herd is not installed', async () => {
    const herd = herdFor(noHerd);
    const availability = await herd.availability();
    expect(availability).toMatchObject({
      available: false,
      reason: expect.stringMatching(/not installed/),
    });
    await expect(herd.proxy('clave-y', 'http://127.0.0.1:8126')).rejects.toMatchObject({
      code: 'herd.unavailable',
    });
  });
});
