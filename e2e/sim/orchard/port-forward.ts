// GET /v1/vms/{name}/port-forward?port=&wait= (internal/controller/api_vms_portforward.go):
// compute:write or compute:connect; `port` 1–65535 and `wait` (default 10 s) else 400; the VM is
// looked up every second until `wait` ends — unknown 404, failed 417 `VM is in a terminal state
// 'failed'`, still not running 408 `VM is not running on '<worker>' worker`; a worker that cannot
// be reached 503 (after `wait`). Then the WebSocket: raw TCP bytes as BINARY messages (TEXT for a
// client that sends no User-Agent, as the controller's backwards compatibility does). The worker
// dials the guest after `tart ip --wait 60`; when that or the dial fails, or the guest closes, the
// controller drops the connection without a close frame (CloseNow), as the real one does.
import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Controller } from './controller';
import { ApiError, type VM } from './resource';

const PING_MS = 30_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function uint(raw: string, max: number): number | undefined {
  if (!/^\d+$/.test(raw)) return undefined;
  const n = Number(raw);
  return n <= max ? n : undefined;
}

export interface Forward {
  vm: string;
  ws: WebSocket;
  tcp?: Socket;
}

export class PortForwards {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  readonly open = new Set<Forward>();

  constructor(private readonly controller: Controller) {}

  /** Checks the request and waits for the VM; throws ApiError for every refusal. */
  async prepare(name: string, query: URLSearchParams): Promise<{ vm: VM; port: number }> {
    const port = uint(query.get('port') ?? '', 65535);
    if (port === undefined || port < 1) throw new ApiError(400);
    const wait = uint(query.get('wait') ?? '10', 65535);
    if (wait === undefined) throw new ApiError(400);
    return { vm: await this.waitRunning(name, wait), port };
  }

  /** waitForVM + the worker rendezvous of the real controller (shared by port-forward and ip). */
  async waitRunning(name: string, waitSec: number): Promise<VM> {
    const deadline = Date.now() + waitSec * 1000;
    for (;;) {
      const vm = this.controller.store.get(name);
      if (!vm) throw new ApiError(404);
      if (vm.status === 'failed') {
        throw new ApiError(417, `VM is in a terminal state '${vm.status}'`);
      }
      if (vm.status === 'running') {
        // The controller asks the worker over its watch stream and retries every second
        // until `wait` ends; a lost worker never answers.
        for (;;) {
          const w = this.controller.worker(vm.worker);
          if (w?.online && w.localName(vm.uid)) return vm;
          if (Date.now() >= deadline) throw new ApiError(503);
          await sleep(Math.min(1000, deadline - Date.now()));
        }
      }
      if (Date.now() >= deadline) {
        throw new ApiError(408, `VM is not running on '${vm.worker}' worker`);
      }
      await sleep(Math.min(1000, deadline - Date.now()));
    }
  }

  accept(req: IncomingMessage, socket: Duplex, head: Buffer, vm: VM, port: number): void {
    const text = !req.headers['user-agent'];
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const f: Forward = { vm: vm.name, ws };
      this.open.add(f);
      const ping = setInterval(() => ws.ping(), PING_MS);
      const pending: Buffer[] = [];
      let closed = false;
      const finish = () => {
        if (closed) return;
        closed = true;
        clearInterval(ping);
        this.open.delete(f);
        f.tcp?.destroy();
        ws.terminate();
      };
      ws.on('message', (data, isBinary) => {
        if (isBinary === text) {
          ws.close(
            1003,
            `unexpected frame type read (expected ${text ? 'MessageText' : 'MessageBinary'})`,
          );
          return;
        }
        const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
        if (f.tcp?.readyState === 'open') f.tcp.write(buf);
        else pending.push(buf);
      });
      ws.on('close', () => {
        clearInterval(ping);
        this.open.delete(f);
        closed = true;
        f.tcp?.end();
      });
      ws.on('error', finish);
      void this.dial(vm).then((ip) => {
        if (closed) return;
        if (!ip) return finish();
        const tcp = connect({ host: ip, port });
        f.tcp = tcp;
        tcp.on('connect', () => {
          for (const b of pending.splice(0)) tcp.write(b);
        });
        tcp.on('data', (d) => ws.send(d, { binary: !text }));
        tcp.on('error', finish);
        tcp.on('close', finish);
      });
    });
  }

  private async dial(vm: VM): Promise<string | undefined> {
    return this.controller.worker(vm.worker)?.ip(vm.uid);
  }

  /** Fault: cut the open port-forwards (of one VM, or all). Returns how many. */
  drop(vm?: string): number {
    let n = 0;
    for (const f of [...this.open]) {
      if (vm && f.vm !== vm) continue;
      n++;
      this.open.delete(f);
      f.tcp?.destroy();
      f.ws.terminate();
    }
    return n;
  }

  close(): void {
    this.drop();
    this.wss.close();
  }
}
