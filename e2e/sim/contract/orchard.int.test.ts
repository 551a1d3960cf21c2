// The Orchard controller contract Clave relies on (../shared/contracts/orchard.md, checked
// against cirruslabs/orchard's controller source), stated as tests. They run against the
// simulated controller (e2e/sim/orchard) by default; with CLAVE_ORCHARD_CONTRACT_URL (…/v1) and
// CLAVE_ORCHARD_CONTRACT_ACCOUNT (name:token, compute read/write/connect) against a real one
// (CLAVE_ORCHARD_CONTRACT_IMAGE: a Linux image its workers can clone). Faults and the workers'
// tart VMs are checked on the simulated one only. One controller, three VMs, one at a time.
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { createWebSocketStream } from 'ws';
import { createSimHost } from '../harness';
import { leftovers } from '../leaks';
import { startSimOrchard, type SimOrchard } from '../orchard/testing';

const REAL_URL = process.env.CLAVE_ORCHARD_CONTRACT_URL;
const REAL_ACCOUNT = process.env.CLAVE_ORCHARD_CONTRACT_ACCOUNT;
const IMAGE = process.env.CLAVE_ORCHARD_CONTRACT_IMAGE || 'ghcr.io/cirruslabs/ubuntu:latest';
const UA = 'clave-contract/1';

interface Ctx {
  url: string;
  account: { name: string; token: string };
  sim: SimOrchard | undefined;
}

const basic = (a: { name: string; token: string }) =>
  `Basic ${Buffer.from(`${a.name}:${a.token}`).toString('base64')}`;

/** Reads an ndjson watch stream; `next(pred)` resolves with the first later event matching. */
function watch(ctx: Ctx, name: string) {
  const ac = new AbortController();
  const events: Array<{ type: string; object: Record<string, unknown> }> = [];
  let waiters: Array<() => void> = [];
  const done = (async () => {
    const r = await fetch(`${ctx.url}/vms/${name}?watch=true`, {
      headers: { authorization: basic(ctx.account) },
      signal: ac.signal,
    });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/x-ndjson');
    const dec = new TextDecoder();
    let buf = '';
    for await (const chunk of r.body as unknown as AsyncIterable<Uint8Array>) {
      buf += dec.decode(chunk, { stream: true });
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) if (l) events.push(JSON.parse(l) as (typeof events)[number]);
      for (const w of waiters.splice(0)) w();
    }
  })().catch(() => undefined);
  let seen = 0;
  return {
    events,
    async next(
      pred: (e: (typeof events)[number]) => boolean,
      timeoutMs = 60_000,
    ): Promise<(typeof events)[number]> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (seen < events.length) {
          const e = events[seen++]!;
          if (pred(e)) return e;
        }
        if (Date.now() > deadline) throw new Error(`no such event; saw ${JSON.stringify(events)}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 500);
        });
      }
    },
    async close() {
      ac.abort();
      waiters = [];
      await done;
    },
  };
}

function portForward(
  ctx: Ctx,
  name: string,
  port: number,
  opts: { headers?: Record<string, string>; wait?: number } = {},
): Promise<{ ws: WebSocket; stream: Duplex }> {
  const u = `${ctx.url.replace(/^http/, 'ws')}/vms/${name}/port-forward?port=${port}&wait=${opts.wait ?? 30}`;
  const ws = new WebSocket(u, {
    headers: { authorization: basic(ctx.account), 'user-agent': UA, ...opts.headers },
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, stream: createWebSocketStream(ws) }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () =>
        reject(
          Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode, body }),
        ),
      );
    });
    ws.once('error', reject);
  });
}

async function refusal(p: Promise<unknown>): Promise<{ status: number; body: string }> {
  try {
    await p;
  } catch (e) {
    return e as { status: number; body: string };
  }
  throw new Error('expected a refusal');
}

function firstBytes(stream: Duplex, until: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    stream.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (until.test(got)) resolve(got);
    });
    stream.once('error', reject);
    stream.once('end', () => reject(new Error(`closed after ${JSON.stringify(got)}`)));
  });
}

/**
 * "running" is reported once `tart run` starts, before the guest's sshd listens: a tunnel to a
 * port nobody listens on yet opens and is closed at once with no data (the worker's dial fails
 * after the WebSocket was accepted). So a client retries until the service answers.
 */
async function tunnelTo(
  ctx: Ctx,
  name: string,
  port: number,
  hello: { send?: string; until: RegExp },
): Promise<{ ws: WebSocket; stream: Duplex; first: string }> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const t = await portForward(ctx, name, port);
    if (hello.send) t.stream.write(hello.send);
    try {
      return { ...t, first: await firstBytes(t.stream, hello.until) };
    } catch (e) {
      t.ws.terminate();
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

describe('orchard controller contract', () => {
  let ctx: Ctx;
  const prefix = `clave-contract-${randomBytes(3).toString('hex')}`;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${ctx.url}${path}`, {
      ...init,
      headers: {
        authorization: basic(ctx.account),
        'content-type': 'application/json',
        ...(init.headers as Record<string, string> | undefined),
      },
    });
  const create = (name: string) =>
    api('/vms', {
      method: 'POST',
      body: JSON.stringify({
        name,
        image: IMAGE,
        os: 'linux',
        cpu: 1,
        memory: 1024,
        headless: true,
      }),
    });

  beforeAll(async () => {
    if (REAL_URL && REAL_ACCOUNT) {
      const [name, token] = REAL_ACCOUNT.split(/:(.*)/s) as [string, string];
      ctx = { url: REAL_URL.replace(/\/$/, ''), account: { name, token }, sim: undefined };
    } else {
      const sim = await startSimOrchard({
        sim: await createSimHost(),
        workerOfflineTimeoutMs: 3000,
        extraAccounts: [{ name: 'reader', token: 'reader-token', roles: ['compute:read'] }],
      });
      ctx = { url: sim.url, account: sim.account!, sim };
    }
  }, 120_000);
  afterAll(async () => {
    if (!ctx) return;
    if (ctx.sim) {
      await ctx.sim.stop();
      expect(leftovers(ctx.sim.sim.tartHome)).toEqual([]);
      await ctx.sim.sim.cleanup();
      return;
    }
    const list = (await (await api('/vms')).json()) as Array<{ name: string }>;
    for (const vm of list)
      if (vm.name.startsWith(prefix)) await api(`/vms/${vm.name}`, { method: 'DELETE' });
  }, 120_000);

  it('a VM: created pending, watched to running, reached over port-forward (ssh banner, ssh2, HTTP), powered off, deleted', async () => {
    const name = `${prefix}-life`;
    const w = watch(ctx, name);
    const r = await create(name);
    expect(r.status).toBe(200);
    const vm = (await r.json()) as Record<string, unknown>;
    expect(vm).toMatchObject({
      name,
      image: IMAGE,
      os: 'linux',
      arch: 'arm64',
      cpu: 1,
      memory: 1024,
      status: 'pending',
      generation: 0,
    });
    expect(vm.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(vm.localName).toBe(`orchard-${name}-${String(vm.uid)}-0`);
    expect((await create(name)).status).toBe(409);

    expect(await w.next((e) => e.type === 'ADDED')).toMatchObject({ object: { name } });
    const running = await w.next((e) => e.type === 'MODIFIED' && e.object.status === 'running');
    expect(running.object).toMatchObject({ status_message: 'VM started' });
    expect(typeof running.object.worker).toBe('string');
    const got = (await (await api(`/vms/${name}`)).json()) as Record<string, unknown>;
    expect(got).toMatchObject({ name, status: 'running', worker: running.object.worker });
    if (ctx.sim) {
      const tl = await ctx.sim.sim.tart(['list', '--source', 'local', '--quiet']);
      expect(tl.stdout.split('\n')).toContain(vm.localName);
    }

    // sshd: the guest's banner comes through the tunnel as raw bytes.
    const ssh = await tunnelTo(ctx, name, 22, { until: /\r?\n/ });
    expect(ssh.first).toMatch(/^SSH-2\.0-/);
    ssh.ws.close();

    // ssh2 over the WebSocket stream, as Clave connects (admin/admin: the spec's default login).
    const tunnel = await portForward(ctx, name, 22);
    const client = new Client();
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve()).once('error', reject);
      client.connect({
        sock: tunnel.stream,
        username: 'admin',
        password: 'admin',
        readyTimeout: 20_000,
      });
    });
    const out = await new Promise<string>((resolve, reject) =>
      client.exec('echo over-orchard $(whoami)', (err, s) => {
        if (err) return reject(err);
        let o = '';
        s.on('data', (d: Buffer) => (o += d.toString())).on('close', () => resolve(o));
      }),
    );
    expect(out.trim()).toBe('over-orchard admin');

    // The controller can drop a tunnel (fault): the client sees the socket close, ssh2 ends.
    if (ctx.sim) {
      // ws's createWebSocketStream ends its readable side but never closes (its _final waits
      // for a socket that is gone): ssh2 emits 'end', not 'close'. Clave must watch for either.
      const ended = new Promise<void>((r) => client.once('end', () => r()));
      expect(await ctx.sim.fault({ kind: 'drop-port-forwards', vm: name })).toEqual({ dropped: 1 });
      await ended;
    } else client.end();

    // The web server on 80, through a second tunnel.
    const web = await tunnelTo(ctx, name, 80, {
      send: 'GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
      until: /\r\n\r\n/,
    });
    expect(web.first).toMatch(/^HTTP\/1\.[01] \d{3} /);
    web.ws.close();

    // A client that sends no User-Agent gets the bytes as TEXT messages (the controller's
    // compatibility with old Go clients) — ws sends none unless told, so Clave must set one.
    const legacy = new WebSocket(
      `${ctx.url.replace(/^http/, 'ws')}/vms/${name}/port-forward?port=22&wait=30`,
      { headers: { authorization: basic(ctx.account) } },
    );
    const frame = await new Promise<{ isBinary: boolean; text: string }>((resolve, reject) => {
      legacy.once('message', (d: Buffer, isBinary) => resolve({ isBinary, text: d.toString() }));
      legacy.once('error', reject);
    });
    expect(frame).toMatchObject({ isBinary: false, text: expect.stringMatching(/^SSH-2\.0-/) });
    legacy.close();

    // PUT takes the whole VM: os/arch/runtime fixed (412), a new powerState is a new generation
    // that the worker acts on (stops the VM) and reports as observedGeneration.
    const cur = (await (await api(`/vms/${name}`)).json()) as Record<string, unknown>;
    const put = (body: Record<string, unknown>) =>
      api(`/vms/${name}`, { method: 'PUT', body: JSON.stringify(body) });
    expect((await put({ ...cur, os: 'darwin' })).status).toBe(412);
    const stopped = await put({ ...cur, powerState: 'stopped' });
    expect(stopped.status).toBe(200);
    expect(await stopped.json()).toMatchObject({ generation: 1, powerState: 'stopped' });
    await w.next((e) => e.object.observedGeneration === 1);
    if (ctx.sim) expect(ctx.sim.sim.runningVMs()).not.toContain(vm.localName);

    const del = await api(`/vms/${name}`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    const deleted = await w.next((e) => e.type === 'DELETED');
    expect(deleted.object.name).toBeUndefined(); // Go's zero VM
    await w.close();
    expect((await api(`/vms/${name}`)).status).toBe(404);
    if (ctx.sim) {
      // The worker removes the tart VM soon after the resource goes (not before DELETE returns).
      const orchardVMs = async () =>
        (await ctx.sim!.sim.tart(['list', '--source', 'local', '--quiet'])).stdout
          .split('\n')
          .filter((l) => l.startsWith('orchard-'));
      for (let i = 0; i < 100 && (await orchardVMs()).length > 0; i++) {
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(await orchardVMs()).toEqual([]);
    }
  }, 180_000);

  it('errors: 400 malformed JSON, 412 no name / no image / bad policy, 404 unknown VM, port-forward 400/404/408', async () => {
    const bad = await api('/vms', { method: 'POST', body: '{"name": ' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ message: 'invalid JSON was provided' });
    const wrongType = await api('/vms', {
      method: 'POST',
      body: JSON.stringify({ name: `${prefix}-x`, image: IMAGE, cpu: 'four' }),
    });
    expect(wrongType.status).toBe(400);
    const noName = await api('/vms', { method: 'POST', body: JSON.stringify({ image: IMAGE }) });
    expect(noName.status).toBe(412);
    expect(await noName.json()).toEqual({ message: 'VM name is empty' });
    const noImage = await api('/vms', {
      method: 'POST',
      body: JSON.stringify({ name: `${prefix}-x` }),
    });
    expect(noImage.status).toBe(412);
    expect(await noImage.json()).toEqual({ message: 'VM image is empty' });
    const policy = await api('/vms', {
      method: 'POST',
      body: JSON.stringify({ name: `${prefix}-x`, image: IMAGE, restart_policy: 'Sometimes' }),
    });
    expect(policy.status).toBe(412);
    expect(await policy.json()).toEqual({ message: 'unsupported restart policy: "Sometimes"' });

    // A VM no worker can take stays pending (no worker); port-forward gives up after `wait`.
    const nowhere = `${prefix}-nowhere`;
    const pending = await api('/vms', {
      method: 'POST',
      body: JSON.stringify({
        name: nowhere,
        image: IMAGE,
        os: 'linux',
        labels: { 'clave-contract': 'none' },
      }),
    });
    expect(pending.status).toBe(200);
    const pf408 = await refusal(portForward(ctx, nowhere, 22, { wait: 1 }));
    expect(pf408.status).toBe(408);
    expect(JSON.parse(pf408.body)).toEqual({ message: "VM is not running on '' worker" });
    expect(await (await api(`/vms/${nowhere}`)).json()).toMatchObject({ status: 'pending' });
    expect((await api(`/vms/${nowhere}`, { method: 'DELETE' })).status).toBe(200);

    const missing = `${prefix}-missing`;
    expect((await api(`/vms/${missing}`)).status).toBe(404);
    expect((await api(`/vms/${missing}`, { method: 'DELETE' })).status).toBe(404);
    expect((await refusal(portForward(ctx, missing, 22))).status).toBe(404);
    expect((await refusal(portForward(ctx, missing, 0))).status).toBe(400);
    expect((await refusal(portForward(ctx, missing, 70000))).status).toBe(400);
  }, 60_000);

  it('auth: no credentials, a wrong token and a missing role are all 401', async () => {
    const anon = await fetch(`${ctx.url}/vms`);
    expect(anon.status).toBe(401);
    const wrong = await fetch(`${ctx.url}/vms`, {
      headers: { authorization: basic({ name: ctx.account.name, token: 'not-the-token' }) },
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toBe('');
    expect((await api('/controller/info')).status).toBe(200);
    if (!ctx.sim) return; // a read-only account exists on the simulated controller only
    const reader = { name: 'reader', token: 'reader-token' };
    expect(
      (await fetch(`${ctx.url}/vms`, { headers: { authorization: basic(reader) } })).status,
    ).toBe(200);
    const write = await fetch(`${ctx.url}/vms`, {
      method: 'POST',
      headers: { authorization: basic(reader) },
      body: JSON.stringify({ name: `${prefix}-r`, image: IMAGE }),
    });
    expect(write.status).toBe(401);
    expect(await write.json()).toEqual({
      message: 'all of the following roles must be present: compute:write',
    });
    const pf = await refusal(portForward({ ...ctx, account: reader }, `${prefix}-r`, 22));
    expect(pf.status).toBe(401);
    expect(JSON.parse(pf.body)).toEqual({
      message: 'any of the following roles must be present: compute:write, compute:connect',
    });
  }, 60_000);

  describe.skipIf(Boolean(REAL_URL))('faults (simulated controller)', () => {
    it("a clone that fails on the worker: failed with the worker's wording, nothing left in tart", async () => {
      const name = `${prefix}-clone`;
      ctx.sim!.sim.setFaults(`clone-disk-full@orchard-${name}-*`);
      try {
        const w = watch(ctx, name);
        expect((await create(name)).status).toBe(200);
        const failed = await w.next((e) => e.object.status === 'failed');
        expect(failed.object.status_message).toMatch(
          /^failed to clone the VM: tart command failed: ".*No space left on device.*"$/,
        );
        await w.close();
      } finally {
        ctx.sim!.sim.clearFaults();
      }
      const tl = await ctx.sim!.sim.tart(['list', '--source', 'local', '--quiet']);
      expect(tl.stdout.split('\n').filter((l) => l.includes(name))).toEqual([]);
      expect((await api(`/vms/${name}`, { method: 'DELETE' })).status).toBe(200);
    }, 60_000);

    it('a VM failed on its worker: watch sees failed with the message, port-forward is 417', async () => {
      const name = `${prefix}-fail`;
      const w = watch(ctx, name);
      expect((await create(name)).status).toBe(200);
      await w.next((e) => e.object.status === 'running');
      await ctx.sim!.fault({ kind: 'vm-failed', vm: name });
      const failed = await w.next((e) => e.object.status === 'failed');
      expect(failed.object.status_message).toBe('VM failed: VM exited unexpectedly');
      const pf = await refusal(portForward(ctx, name, 22, { wait: 0 }));
      expect(pf.status).toBe(417);
      expect(JSON.parse(pf.body)).toEqual({ message: "VM is in a terminal state 'failed'" });
      expect((await api(`/vms/${name}`, { method: 'DELETE' })).status).toBe(200);
      await w.close();
    }, 120_000);

    it('a lost worker: its VM dies, port-forward 503, then failed after the offline timeout; 503 while the controller is down', async () => {
      const name = `${prefix}-lost`;
      const w = watch(ctx, name);
      expect((await create(name)).status).toBe(200);
      const running = await w.next((e) => e.object.status === 'running');
      await ctx.sim!.fault({ kind: 'worker-lost', worker: String(running.object.worker) });
      // Until the offline timeout the VM still reads "running", but its worker cannot be asked.
      expect((await refusal(portForward(ctx, name, 22, { wait: 1 }))).status).toBe(503);
      const failed = await w.next((e) => e.object.status === 'failed', 30_000);
      expect(failed.object.status_message).toBe(
        'VM is assigned to a worker that lost connection with the controller',
      );
      expect(ctx.sim!.sim.runningVMs()).toEqual([]);
      await w.close();

      await ctx.sim!.fault({ kind: 'unavailable', on: true });
      expect((await api('/vms')).status).toBe(503);
      expect((await refusal(portForward(ctx, name, 22))).status).toBe(503);
      await ctx.sim!.fault({ kind: 'unavailable', on: false });
      expect((await api(`/vms/${name}`, { method: 'DELETE' })).status).toBe(200);
      await ctx.sim!.fault({ kind: 'worker-back', worker: String(running.object.worker) });
    }, 120_000);

    it('stopping the controller (SIGTERM) stops and deletes the VMs it runs: nothing left', async () => {
      const name = `${prefix}-last`;
      const w = watch(ctx, name);
      expect((await create(name)).status).toBe(200);
      await w.next((e) => e.object.status === 'running');
      await w.close();
      // "running" comes as `tart run` is launched; wait until the guest is really up.
      await tunnelTo(ctx, name, 22, { until: /\r?\n/ }).then((t) => t.ws.close());
      expect(ctx.sim!.sim.runningVMs()).toHaveLength(1);
      await ctx.sim!.stop();
      const tl = await ctx.sim!.sim.tart(['list', '--source', 'local', '--quiet']);
      expect(tl.stdout.trim()).toBe('');
      expect(ctx.sim!.sim.runningVMs()).toEqual([]);
      expect(leftovers(ctx.sim!.sim.tartHome)).toEqual([]);
    }, 120_000);
  });
});
