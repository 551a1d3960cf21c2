// The demo harness shows the happy path: with host services it starts MySQL and Redis on the
// VMs' gateway (as a Herd set up for VMs would), so a session migrates and serves with no
// warning; without them (`--no-services`) every session warns that they are unreachable.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PipelineEvent, SessionSummary } from '../../shared/session';
import type { Client } from '../../electron/core/api/dispatch';
import { startHarness, type Harness } from './server';

// The harness serves a built renderer; these tests only drive its API.
const rendererDir = mkdtempSync(path.join(tmpdir(), 'clave-harness-renderer-'));
writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>test</title>\n');
afterAll(() => rmSync(rendererDir, { recursive: true, force: true }));

/** Starts a session on the demo project through the host's API; resolves once it runs. */
async function startDemoSession(h: Harness) {
  const progress: PipelineEvent[] = [];
  let summary: SessionSummary | undefined;
  let settle: () => void = () => {};
  const done = new Promise<void>((resolve) => (settle = resolve));
  const client: Client = {
    id: 'harness-test',
    send(event, payload) {
      if (event === 'session.progress') progress.push((payload as { event: PipelineEvent }).event);
      if (event === 'session.updated') {
        summary = payload as SessionSummary;
        if (['running', 'failed', 'ended'].includes(summary.state)) settle();
      }
    },
    onClose: () => {},
  };
  h.runtime.clients.add(client);
  await h.runtime.dispatch(
    { method: 'sessions.start', params: { projectDir: h.demoProject } },
    client,
  );
  await done;
  return {
    progress,
    summary: summary!,
    warnings: () => progress.filter((e) => e.type === 'step-warning'),
  };
}

describe('the demo harness', () => {
  it('with host services: MySQL and Redis answer on the gateway, the session migrates with no warning', async () => {
    const h = await startHarness({ rendererDir, hostServices: true, sim: { profile: 'fast' } });
    try {
      expect(h.services?.mysqlPort).toBeGreaterThan(0);
      const settings = JSON.parse(readFileSync(path.join(h.claveHome, 'settings.json'), 'utf8'));
      expect(settings.services).toEqual({
        mode: 'host',
        mysqlPort: h.services!.mysqlPort,
        redisPort: h.services!.redisPort,
      });
      const s = await startDemoSession(h);
      expect(s.summary.state).toBe('running');
      expect(s.warnings()).toEqual([]);
      // The VM reached them: the reachability probe, then `php artisan migrate`.
      expect(h.services!.connections.mysql).toBeGreaterThanOrEqual(2);
      expect(h.services!.connections.redis).toBeGreaterThanOrEqual(1);
      const site = await fetch(`http://127.0.0.1:${s.summary.tunnelPort}/`);
      expect(site.status).toBe(200);
    } finally {
      await h.close();
    }
  });

  it('without them: the session warns that MySQL and Redis are unreachable', async () => {
    const h = await startHarness({ rendererDir, sim: { profile: 'fast' } });
    try {
      expect(h.services).toBeUndefined();
      // Nor a controller unless asked (the e2e suite's shared harness pays for none).
      expect(h.orchard).toBeUndefined();
      expect(h.env.CLAVE_ORCHARD_URL).toBeUndefined();
      const s = await startDemoSession(h);
      expect(s.summary.state).toBe('running');
      const what = s.warnings().map((w) => (w.type === 'step-warning' ? w.problem.what : ''));
      expect(what).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^MySQL at .* is not reachable from the VM$/),
          expect.stringMatching(/^Redis at .* is not reachable from the VM$/),
        ]),
      );
    } finally {
      await h.close();
    }
  });

  it('with Orchard: the host is given the controller and its account, and close stops it', async () => {
    const h = await startHarness({ rendererDir, orchard: true, sim: { profile: 'fast' } });
    const o = h.orchard!;
    const origin = new URL(o.url).origin;
    try {
      expect(h.env.CLAVE_ORCHARD_URL).toBe(o.url);
      expect(h.env.CLAVE_ORCHARD_ACCOUNT).toBe(`${o.account!.name}:${o.account!.token}`);
      // The account is one the controller knows: it lists VMs with it, and refuses others.
      const vms = await fetch(`${o.url}/vms`, { headers: { authorization: o.authorization() } });
      expect(vms.status).toBe(200);
      const wrong = await fetch(`${o.url}/vms`, {
        headers: { authorization: o.authorization({ name: o.account!.name, token: 'wrong' }) },
      });
      expect(wrong.status).toBe(401);
      // The host takes them from its environment and the controller answers.
      const client: Client = { id: 'orchard-status', send: () => {}, onClose: () => {} };
      const status = await h.runtime.dispatch(
        { method: 'orchard.status', params: { probe: true } },
        client,
      );
      expect(status).toMatchObject({
        configured: true,
        source: 'env',
        url: o.url,
        serviceAccount: o.account!.name,
        reachable: true,
        problem: null,
      });
    } finally {
      await h.close();
    }
    await expect(fetch(`${origin}/sim/state`)).rejects.toThrow();
  });
});
