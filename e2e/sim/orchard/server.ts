// The simulated Orchard controller's HTTP face: the API under /v1/ as internal/controller/api.go
// routes it, plus /sim/… (outside the API; no product code calls it) for faults and inspection.
// Bodies the real controller sends bare (a status only) are sent bare here too.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { z } from 'zod';
import { authenticate, authorize, type ServiceAccount } from './auth';
import { Controller, type ControllerOptions } from './controller';
import { PortForwards } from './port-forward';
import { ApiError, errorBody, newVM, updateSpec, vmJson, zeroVmJson } from './resource';

const MAX_BODY = 1 << 20;
export const SIM_VERSION = '0.0.0-sim';

export interface OrchardServerOptions extends ControllerOptions {
  port?: number;
  host?: string;
  serviceAccounts?: ServiceAccount[];
}

/** Faults a test switches on through POST /sim/fault (see README.md). */
export const faultSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('worker-lost'), worker: z.string() }),
  z.object({ kind: z.literal('worker-back'), worker: z.string() }),
  z.object({ kind: z.literal('vm-failed'), vm: z.string(), message: z.string().optional() }),
  z.object({ kind: z.literal('unavailable'), on: z.boolean() }),
  z.object({ kind: z.literal('drop-port-forwards'), vm: z.string().optional() }),
]);
export type OrchardFault = z.infer<typeof faultSchema>;

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status, { 'content-length': '0' }).end();
    return;
  }
  const text = JSON.stringify(body);
  res
    .writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    })
    .end(text);
}

function sendError(res: ServerResponse, e: unknown): void {
  if (e instanceof ApiError) send(res, e.status, e.bare ? undefined : errorBody(e.message));
  else send(res, 500);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new ApiError(400, 'invalid JSON was provided');
    chunks.push(c as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ApiError(400, 'invalid JSON was provided');
  }
}

export class OrchardServer {
  readonly controller: Controller;
  private readonly http: Server;
  private readonly forwards: PortForwards;
  private readonly accounts: ServiceAccount[];
  private readonly watches = new Set<ServerResponse>();
  private unavailable = false;
  url = '';

  constructor(private readonly opts: OrchardServerOptions) {
    this.controller = new Controller(opts);
    this.forwards = new PortForwards(this.controller);
    this.accounts = opts.serviceAccounts ?? [];
    this.http = createServer((req, res) => {
      const t0 = Date.now();
      // An access log on stderr, like gin's (method, path without the query's values, status).
      res.on('finish', () => accessLog(req, res.statusCode, t0));
      this.route(req, res).catch((e: unknown) => {
        if (!res.headersSent) sendError(res, e);
        else res.destroy();
      });
    });
    this.http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.upgrade(req, socket, head).catch(() => socket.destroy());
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.opts.port ?? 0, this.opts.host ?? '127.0.0.1', resolve);
    });
    const a = this.http.address() as AddressInfo;
    this.url = `http://${a.address}:${a.port}/v1`;
    return this.url;
  }

  /** Stops serving and removes every VM it made (stops and deletes their tart VMs). */
  async close(): Promise<void> {
    this.forwards.close();
    for (const w of this.watches) w.destroy();
    this.http.closeAllConnections();
    await new Promise<void>((r) => this.http.close(() => r()));
    for (const vm of this.controller.store.list()) this.controller.delete(vm.name);
    await this.controller.shutdown();
  }

  fault(f: OrchardFault): unknown {
    const c = this.controller;
    switch (f.kind) {
      case 'worker-lost':
      case 'worker-back': {
        const w = c.worker(f.worker);
        if (!w) throw new ApiError(404, `no worker ${f.worker}`);
        if (f.kind === 'worker-lost') w.lose();
        else void w.restore();
        return { ok: true };
      }
      case 'vm-failed': {
        const vm = c.store.get(f.vm);
        if (!vm) throw new ApiError(404, `no VM ${f.vm}`);
        const message = f.message ?? 'VM failed: VM exited unexpectedly';
        if (!c.worker(vm.worker)?.failVm(vm.uid, message)) {
          c.store.set({ ...vm, status: 'failed', status_message: message });
        }
        return { ok: true };
      }
      case 'unavailable':
        this.unavailable = f.on;
        // A controller that answers 503 has gone away: its streams and tunnels go with it.
        if (f.on) {
          for (const w of this.watches) w.destroy();
          this.forwards.drop();
        }
        return { ok: true };
      case 'drop-port-forwards':
        return { dropped: this.forwards.drop(f.vm) };
    }
  }

  private async routeSim(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (req.method === 'POST' && path === '/sim/fault') {
      const parsed = faultSchema.safeParse(await readJson(req));
      if (!parsed.success) throw new ApiError(400, parsed.error.message);
      return send(res, 200, this.fault(parsed.data));
    }
    if (req.method === 'GET' && path === '/sim/state') {
      return send(res, 200, {
        vms: this.controller.store.list().map(vmJson),
        workers: this.controller.workers.map((w) => ({
          ...w.json(),
          online: w.online,
          disks: [...w.disks],
        })),
        portForwards: this.forwards.open.size,
      });
    }
    throw new ApiError(404);
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path.startsWith('/sim/')) return this.routeSim(req, res, path);
    if (!path.startsWith('/v1')) throw new ApiError(404);
    if (this.unavailable) throw new ApiError(503);
    const who = authenticate(req, this.accounts);
    const need = (mode: 'all' | 'any', ...roles: Parameters<typeof authorize>[3][]) =>
      authorize(this.accounts, who, mode, ...roles);
    const c = this.controller;
    const m = /^\/v1\/vms\/([^/]+)(\/[a-z-]+)?$/.exec(path);
    const name = m ? decodeURIComponent(m[1]!) : '';
    const sub = m?.[2] ?? '';
    const method = req.method ?? 'GET';

    if (path === '/v1' && method === 'GET') return send(res, 200);
    if (path === '/v1/controller/info' && method === 'GET') {
      need('all');
      return send(res, 200, {
        version: SIM_VERSION,
        capabilities: ['rpc-v1', 'vm-state-endpoint'],
      });
    }
    if (path === '/v1/workers' && method === 'GET') {
      need('all', 'compute:read');
      return send(
        res,
        200,
        c.workers.map((w) => w.json()),
      );
    }
    const wm = /^\/v1\/workers\/([^/]+)$/.exec(path);
    if (wm && method === 'GET') {
      need('all', 'compute:read');
      const w = c.worker(decodeURIComponent(wm[1]!));
      if (!w) throw new ApiError(404);
      return send(res, 200, w.json());
    }
    if (path === '/v1/vms') {
      if (method === 'POST') {
        need('all', 'compute:write');
        const vm = newVM(await readJson(req));
        if (c.store.get(vm.name)) throw new ApiError(409, 'VM with this name already exists');
        return send(res, 200, vmJson(c.create(vm)));
      }
      if (method === 'GET') {
        need('all', 'compute:read');
        // The real listVMs has no watch: `?watch=true` on the list is ignored.
        const filter = url.searchParams.get('filter');
        let vms = c.store.list();
        if (filter) {
          for (const f of filter.split(',')) {
            const fm = /^([^=]+)=(.*)$/.exec(f);
            if (!fm) throw new ApiError(412, `invalid filter "${f}"`);
            vms = vms.filter((v) => fm[1] === 'worker' && v.worker === fm[2]);
          }
        }
        return send(res, 200, vms.map(vmJson));
      }
    }
    if (m && sub === '') {
      if (method === 'GET') {
        need('all', 'compute:read');
        if (url.searchParams.get('watch') === 'true') return this.watch(req, res, name);
        const vm = c.store.get(name);
        if (!vm) throw new ApiError(404);
        return send(res, 200, vmJson(vm));
      }
      if (method === 'PUT') {
        need('all', 'compute:write');
        const body = await readJson(req);
        const vm = c.store.get(name);
        if (!vm) throw new ApiError(404);
        const next = updateSpec(vm, body);
        if (!next) return send(res, 200, vmJson(vm));
        const stored = c.store.set(next);
        if (stored.worker) void c.worker(stored.worker)?.sync(stored);
        return send(res, 200, vmJson(stored));
      }
      if (method === 'DELETE') {
        need('all', 'compute:write');
        if (!c.delete(name)) throw new ApiError(404);
        return send(res, 200);
      }
    }
    if (m && sub === '/events' && method === 'GET') {
      need('all', 'compute:read');
      if (!c.store.get(name)) throw new ApiError(404);
      return send(res, 200, []);
    }
    if (m && sub === '/ip' && method === 'GET') {
      need('any', 'compute:write', 'compute:connect');
      const wait = url.searchParams.get('wait') ?? '0';
      if (!/^\d{1,5}$/.test(wait) || Number(wait) > 65535) throw new ApiError(400);
      const vm = await this.forwards.waitRunning(name, Number(wait));
      const ip = await c.worker(vm.worker)?.ip(vm.uid);
      if (!ip) throw new ApiError(503);
      return send(res, 200, { ip });
    }
    if (m && sub === '/port-forward' && method === 'GET') {
      need('any', 'compute:write', 'compute:connect');
      await this.forwards.prepare(name, url.searchParams);
      throw new ApiError(426);
    }
    throw new ApiError(404);
  }

  private watch(req: IncomingMessage, res: ServerResponse, name: string): void {
    // Headers go with the first event, as gin's do: a watch of a VM that does not exist yet
    // answers nothing until it is created.
    res.setHeader('content-type', 'application/x-ndjson');
    this.watches.add(res);
    const stop = this.controller.store.watch(name, (e) => {
      const object = e.vm ? vmJson(e.vm) : zeroVmJson();
      res.write(`${JSON.stringify({ type: e.type, object })}\n`);
    });
    const end = () => {
      stop();
      this.watches.delete(res);
    };
    req.on('close', end);
    res.on('close', end);
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const t0 = Date.now();
    const refuse = (e: unknown) => {
      const status = e instanceof ApiError ? e.status : 500;
      accessLog(req, status, t0);
      const body = e instanceof ApiError && !e.bare ? JSON.stringify(errorBody(e.message)) : '';
      socket.end(
        `HTTP/1.1 ${status} ${statusText(status)}\r\nconnection: close\r\n` +
          (body ? 'content-type: application/json; charset=utf-8\r\n' : '') +
          `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    };
    try {
      const url = new URL(req.url ?? '/', 'http://x');
      const m = /^\/v1\/vms\/([^/]+)\/port-forward\/?$/.exec(url.pathname);
      if (!m || req.method !== 'GET') throw new ApiError(404);
      if (this.unavailable) throw new ApiError(503);
      const who = authenticate(req, this.accounts);
      authorize(this.accounts, who, 'any', 'compute:write', 'compute:connect');
      const { vm, port } = await this.forwards.prepare(decodeURIComponent(m[1]!), url.searchParams);
      if (socket.destroyed) return;
      accessLog(req, 101, t0);
      this.forwards.accept(req, socket, head, vm, port);
    } catch (e) {
      refuse(e);
    }
  }
}

function accessLog(req: IncomingMessage, status: number, t0: number): void {
  const path = (req.url ?? '').split('?')[0];
  process.stderr.write(
    `${new Date().toISOString()} ${req.method} ${path} ${status} ${Date.now() - t0}ms\n`,
  );
}

function statusText(status: number): string {
  const texts: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    404: 'Not Found',
    408: 'Request Timeout',
    417: 'Expectation Failed',
    500: 'Internal Server Error',
    503: 'Service Unavailable',
  };
  return texts[status] ?? 'Error';
}
