// The web harness: the real session host (electron/core) on the simulated VM host (e2e/sim),
// serving the built renderer and the shared API over a WebSocket at /api, on 127.0.0.1 only.
// It is how the demo runs on Linux and what the Playwright e2e tests drive: the same renderer
// as the app, talking to the same host through another transport.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { own } from '../../shared/own';
import { attachWebSocket } from '../../electron/core/api/ws-server';
import { createHostRuntime, type HostRuntime } from '../../electron/core/compose';
import { dataPaths } from '../../electron/core/config/paths';
import { loadSettings } from '../../electron/core/config/settings';
import { GATEWAY_IP } from '../sim/config';
import { createSimHost, type SimHost, type SimHostOptions } from '../sim/harness';
import type { HostServices } from '../sim/services';
import { startHerdProxy, type HerdProxy } from '../sim/herd/proxy-server';
import { startSimOrchard, type SimOrchard } from '../sim/orchard/testing';
import { createLaravelProject, GIT_IDENTITY } from './projects';

export const REPO_DIR = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
export const DEFAULT_RENDERER_DIR = path.join(REPO_DIR, 'dist', 'renderer');

/** The same policy as the app's window (electron/shell/security.ts), plus this origin's WebSocket. */
export const HARNESS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export interface HarnessOptions {
  /** 0 picks a free port. */
  port?: number;
  rendererDir?: string;
  /** Simulated boot timings (defaults: the sim harness's fast ones). */
  sim?: SimHostOptions;
  /**
   * Also run the sim's stand-in for Herd's nginx on these 127.0.0.1 ports, so a browser that
   * maps `*.test` there (Chromium's --host-resolver-rules) opens the sessions' `.test` sites.
   */
  herdProxyPorts?: { http: number; https: number };
  /**
   * Start the simulated host's MySQL and Redis on the VMs' gateway, as a Herd set up for VMs
   * serves them, so sessions migrate and serve without warnings (default false: no services,
   * every session warns that MySQL and Redis are unreachable).
   */
  hostServices?: boolean;
  /**
   * Also run a simulated Orchard controller (workers on this sim host) with a service account,
   * and give the host CLAVE_ORCHARD_URL / CLAVE_ORCHARD_ACCOUNT, so sessions can choose Orchard
   * (default false: a controller costs a process and its workers).
   */
  orchard?: boolean;
  /** pool.size (default: the setting's, 1: a project's second session starts warm). */
  poolSize?: number;
  /** Name of the demo project created to drop (default `demo-app`). */
  demoProjectName?: string;
  /** The WebSocket's access token (default: a new random one for this start). */
  token?: string;
  log?: (line: string) => void;
}

export interface Harness {
  /** The page to open: it carries the access token (`#token=…`, never sent in HTTP requests). */
  url: string;
  /** The WebSocket's access token: faces connect to `/api?token=…`. */
  token: string;
  port: number;
  /** Temp dir holding the sim, CLAVE_HOME and the projects; removed by close(). */
  root: string;
  projectsDir: string;
  demoProject: string;
  claveHome: string;
  /** The environment the host runs with (sim PATH, TART_HOME, CLAVE_HOME, test credential). */
  env: NodeJS.ProcessEnv;
  runtime: HostRuntime;
  sim: SimHost;
  /** The gateway's MySQL and Redis, when started (`hostServices`). */
  services: HostServices | undefined;
  /** The simulated Orchard controller, when started (`orchard`). */
  orchard: SimOrchard | undefined;
  /** Tears every session down (keeping work), stops every VM, removes the temp dir. */
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const log = options.log ?? (() => {});
  const rendererDir = options.rendererDir ?? DEFAULT_RENDERER_DIR;
  if (!existsSync(path.join(rendererDir, 'index.html'))) {
    throw new Error(`No built renderer in ${rendererDir}. Run \`npx vite build\` first.`);
  }

  const sim = await createSimHost(options.sim ?? {});
  let runtime: HostRuntime | undefined;
  let server: http.Server | undefined;
  let restoreEnv = () => {};
  let herdProxy: HerdProxy | undefined;
  let orchard: SimOrchard | undefined;
  try {
    const claveHome = path.join(sim.root, 'clave');
    const projectsDir = path.join(sim.root, 'projects');
    mkdirSync(claveHome, { recursive: true, mode: 0o700 });
    mkdirSync(projectsDir, { recursive: true });
    const env: NodeJS.ProcessEnv = {
      ...sim.processEnv(),
      ...GIT_IDENTITY,
      CLAVE_HOME: claveHome,
      // The sim's `claude` accepts any key; this only makes Clave's auth check pass.
      ANTHROPIC_API_KEY: 'sk-ant-api03-demo-key-for-the-simulated-host-0123456789',
    };
    delete env.CLAUDE_CODE_OAUTH_TOKEN;
    if (options.orchard) {
      log('starting the simulated Orchard controller');
      orchard = await startSimOrchard({ sim });
      Object.assign(env, orchard.env);
      log(`Orchard controller at ${orchard.url} (service account ${orchard.account?.name})`);
    }
    // Some adapters read the process's own HOME (Herd finds itself under ~/Library), so this
    // process takes the simulated host's environment as a whole until close().
    restoreEnv = applyEnv(env);
    const paths = dataPaths(claveHome);
    const services = options.hostServices ? await gatewayServices(sim, log) : undefined;
    writeFileSync(
      paths.settings,
      JSON.stringify({
        vm: { cpus: 1, memoryMb: 1024 },
        timeouts: { ipSeconds: 30, sshSeconds: 30, mountSeconds: 10, commandSeconds: 60 },
        ...(services
          ? {
              services: {
                mode: 'host',
                mysqlPort: services.mysqlPort,
                redisPort: services.redisPort,
              },
            }
          : {}),
        ...(options.poolSize === undefined ? {} : { pool: { size: options.poolSize } }),
      }),
    );

    log('creating the base VM clave-base in the simulated Tart');
    const exists = await sim.tart(['get', 'clave-base', '--format', 'json']);
    if (exists.code !== 0) {
      const clone = await sim.tart(['clone', 'ghcr.io/cirruslabs/ubuntu:latest', 'clave-base']);
      if (clone.code !== 0) throw new Error(`tart clone failed: ${clone.stderr || clone.stdout}`);
    }

    if (options.herdProxyPorts) {
      herdProxy = await startHerdProxy({
        herdHome: sim.herdHome,
        httpPort: options.herdProxyPorts.http,
        httpsPort: options.herdProxyPorts.https,
      });
    }

    const demoProject = createLaravelProject(projectsDir, options.demoProjectName ?? 'demo-app');

    runtime = await createHostRuntime({
      paths,
      settings: loadSettings(paths.settings, env),
      face: 'web',
      env,
    });

    server = http.createServer((req, res) => serveStatic(rendererDir, req, res));
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    const origins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
    const token = options.token ?? randomBytes(32).toString('base64url');
    const wss = attachWebSocket(server, runtime.dispatch, runtime.clients, {
      allowedOrigin: (origin) => origin !== undefined && origins.has(origin),
      token,
    });

    const rt = runtime;
    const srv = server;
    let closing: Promise<void> | undefined;
    return {
      url: `http://127.0.0.1:${port}/#token=${token}`,
      token,
      port,
      root: sim.root,
      projectsDir,
      demoProject,
      claveHome,
      env,
      runtime: rt,
      sim,
      services,
      orchard,
      close: () =>
        (closing ??= (async () => {
          for (const c of wss.clients) c.terminate();
          wss.close();
          srv.close();
          srv.closeAllConnections();
          await rt.shutdown().catch((e: unknown) => log(`shutdown: ${String(e)}`));
          // After the sessions: the controller deletes whatever VMs are still on its workers.
          await orchard?.stop();
          await herdProxy?.close();
          await sim.cleanup();
          restoreEnv();
        })()),
    };
  } catch (e) {
    server?.close();
    await runtime?.shutdown().catch(() => {});
    await orchard?.stop();
    await herdProxy?.close();
    await sim.cleanup();
    restoreEnv();
    throw e;
  }
}

/**
 * MySQL and Redis on the gateway: on Herd's ports when free, else on any (the gateway address is
 * shared by every simulated host on this machine: another demo or test may hold 3306).
 * sim.cleanup() closes them.
 */
async function gatewayServices(sim: SimHost, log: (line: string) => void): Promise<HostServices> {
  let svc: HostServices;
  try {
    svc = await sim.startServices({ mysql: true, redis: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    svc = await sim.startServices({ mysql: 0, redis: 0 });
  }
  log(
    `MySQL on ${GATEWAY_IP}:${svc.mysqlPort}, Redis on ${GATEWAY_IP}:${svc.redisPort} (for the VMs)`,
  );
  return svc;
}

function applyEnv(env: NodeJS.ProcessEnv): () => void {
  const saved = { ...process.env };
  for (const k of Object.keys(process.env)) if (!(k in env)) delete process.env[k];
  Object.assign(process.env, env);
  return () => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  };
}

function serveStatic(root: string, req: http.IncomingMessage, res: http.ServerResponse): void {
  const headers = {
    'Content-Security-Policy': HARNESS_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end();
    return;
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  } catch {
    res.writeHead(400, headers).end();
    return;
  }
  const file = path.resolve(
    root,
    '.' + (pathname.endsWith('/') ? pathname + 'index.html' : pathname),
  );
  if (!file.startsWith(root + path.sep) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('Not found');
    return;
  }
  res.writeHead(200, {
    ...headers,
    'Content-Type': own(CONTENT_TYPES, path.extname(file)) ?? 'application/octet-stream',
  });
  res.end(req.method === 'HEAD' ? undefined : readFileSync(file));
}
