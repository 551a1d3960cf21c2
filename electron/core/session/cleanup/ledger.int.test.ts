// Cleanup decides from the ledger: a VM and a proxy whose making a host crash cut short (the
// entry still says "intended") are found and removed; a proxy the person re-pointed elsewhere is
// left alone; a dry run says, for each thing, why it is Clave's and changes nothing.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPaths } from '../../config/paths';
import { parseProxies } from '../../host/herd';
import { Tart } from '../../host/tart';
import { hostDeps } from '../../provision/host-binding';
import { openDatabase } from '../../store/database';
import { LedgerRepository } from '../../store/ledger-repository';
import { HostProcesses } from '../testing/host-process';
import { createSimWorld, provisionBase, type SimWorld } from '../testing/sim-env';

let world: SimWorld;
let hosts: HostProcesses;

async function proxies(): Promise<Record<string, string>> {
  const rows = parseProxies(await world.herd('proxies'));
  return Object.fromEntries(rows.map((p) => [p.site, p.target]));
}

async function vmNames(): Promise<string[]> {
  const list = JSON.parse(await world.tart('list', '--source', 'local', '--format', 'json')) as {
    Name: string;
  }[];
  return list.map((v) => v.Name);
}

beforeAll(async () => {
  world = await createSimWorld();
  await provisionBase(world);
  hosts = new HostProcesses(world);
});

afterAll(async () => {
  await hosts.stopAll();
  await world.cleanup();
});

describe('cleanup from the ledger', () => {
  it('removes what a crash left half-made, spares a re-pointed proxy, and says why', async () => {
    // What a host killed mid-create leaves: the entry written first says "intended", and the
    // thing exists (the tool finished, the host did not live to mark it made).
    const db = openDatabase(dataPaths(world.claveHome).database);
    const ledger = new LedgerRepository(db);
    const vm = ledger.intend({
      kind: 'vm',
      name: 'clave-cut0ff01',
      sessionId: 'cut0ff01',
      detail: { source: 'clave-base' },
    });
    await world.tart('clone', 'clave-base', 'clave-cut0ff01');
    const proxy = ledger.intend({
      kind: 'proxy',
      name: 'shop-cut0ff01',
      sessionId: 'cut0ff01',
      detail: { target: 'http://127.0.0.1:8150' },
    });
    await world.herd('proxy', 'shop-cut0ff01', 'http://127.0.0.1:8150');
    // A proxy Clave made, later pointed by the person at their own server: theirs now.
    const moved = ledger.intend({
      kind: 'proxy',
      name: 'shop-m0ved001',
      sessionId: 'm0ved001',
      detail: { target: 'http://127.0.0.1:8151' },
    });
    ledger.created(moved.id);
    await world.herd('proxy', 'shop-m0ved001', 'http://192.168.1.50:8080');
    // A VM the ledger knows, deleted by hand since: only the entry goes.
    const gone = ledger.intend({ kind: 'vm', name: 'clave-g0ne0001', sessionId: 'g0ne0001' });
    ledger.created(gone.id);
    db.close();

    const host = await hosts.start();
    const dry = await host.api.call('sessions.cleanup', { dryRun: true });
    expect(dry.problems).toEqual([]);
    const byName = Object.fromEntries(dry.items.map((i) => [i.name, i]));
    expect(byName['clave-cut0ff01']).toMatchObject({ kind: 'vm', action: 'remove' });
    expect(byName['clave-cut0ff01']!.reason).toMatch(
      new RegExp(
        `was being created by session cut0ff01 at .+ when it stopped, ledger entry #${vm.id}; the VM still exists`,
      ),
    );
    expect(byName['shop-cut0ff01']).toMatchObject({ kind: 'proxy', action: 'remove' });
    expect(byName['shop-cut0ff01']!.reason).toMatch(
      new RegExp(`ledger entry #${proxy.id}; proxy points at 127\\.0\\.0\\.1:8150`),
    );
    expect(byName['shop-m0ved001']).toMatchObject({ action: 'keep' });
    expect(byName['shop-m0ved001']!.reason).toMatch(
      /created by session m0ved001 .+; it now points at http:\/\/192\.168\.1\.50:8080/,
    );
    expect(byName['clave-g0ne0001']).toMatchObject({ action: 'forget' });
    // A dry run changes nothing.
    expect(await vmNames()).toContain('clave-cut0ff01');
    expect(Object.keys(await proxies())).toContain('shop-cut0ff01');

    const real = await host.api.call('sessions.cleanup', { dryRun: false });
    expect(real.problems).toEqual([]);
    expect(await vmNames()).not.toContain('clave-cut0ff01');
    const after = await proxies();
    expect(Object.keys(after)).not.toContain('shop-cut0ff01');
    expect(after['shop-m0ved001']).toBe('http://192.168.1.50:8080');

    // Nothing left on the ledger to act on: the re-pointed proxy is no longer Clave's business.
    const again = await host.api.call('sessions.cleanup', { dryRun: true });
    expect(again.items).toEqual([]);
    host.end();
  });

  it("removes a provision's temporary VM a crash left, not one a live provision uses, never the base", async () => {
    // A provision process clones its temporary VM through the real binding, under a ledger
    // entry, and dies before its own cleanup (the child process exits: a crash, as far as the
    // VM is concerned).
    const cloneTemp = (name: string) => `
      import { dataPaths } from ${JSON.stringify(path.resolve('electron/core/config/paths.ts'))};
      import { Tart } from ${JSON.stringify(path.resolve('electron/core/host/tart/index.ts'))};
      import { hostDeps } from ${JSON.stringify(path.resolve('electron/core/provision/host-binding.ts'))};
      import { openDatabase } from ${JSON.stringify(path.resolve('electron/core/store/database.ts'))};
      import { LedgerRepository } from ${JSON.stringify(path.resolve('electron/core/store/ledger-repository.ts'))};
      const paths = dataPaths(process.env.CLAVE_HOME);
      const ledger = new LedgerRepository(openDatabase(paths.database));
      const vms = hostDeps({ tart: new Tart({ logDir: paths.vmLogs }), ledger }).vms;
      await vms.clone('clave-base', ${JSON.stringify(name)}, {
        signal: new AbortController().signal,
        onOutput: () => {},
      });`;
    execFileSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', cloneTemp('clave-base-tmp-crashed1')],
      {
        env: world.env,
      },
    );
    // …while this process stands for a provision still running.
    const db = openDatabase(dataPaths(world.claveHome).database);
    const tart = new Tart({ logDir: dataPaths(world.claveHome).vmLogs, env: world.env });
    await hostDeps({ tart, ledger: new LedgerRepository(db) }).vms.clone(
      'clave-base',
      'clave-base-tmp-running1',
      { signal: new AbortController().signal, onOutput: () => {} },
    );
    db.close();

    const host = await hosts.start();
    const dry = await host.api.call('sessions.cleanup', { dryRun: true });
    const byName = Object.fromEntries(dry.items.map((i) => [i.name, i]));
    expect(byName['clave-base-tmp-crashed1']).toMatchObject({
      kind: 'vm',
      sessionId: null,
      action: 'remove',
      reason: expect.stringMatching(
        /^created by Clave at .+, ledger entry #\d+; the VM still exists/,
      ),
    });
    expect(byName['clave-base-tmp-running1']).toMatchObject({
      action: 'keep',
      reason: expect.stringContaining(`(process ${process.pid}) is still running`),
    });
    await host.api.call('sessions.cleanup', { dryRun: false });
    const left = await vmNames();
    expect(left).not.toContain('clave-base-tmp-crashed1');
    expect(left).toContain('clave-base-tmp-running1');
    expect(left).toContain('clave-base');
    await world.tart('delete', 'clave-base-tmp-running1');
    host.end();
  });
});
