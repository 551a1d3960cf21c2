// A stand-in for Herd's nginx: serves the proxy sites in <herd home>/config/valet/Nginx on local
// ports, so tests can fetch http(s)://NAME.test by sending `Host: NAME.test` to 127.0.0.1:<port>.
// Like Valet's stubs it forwards Host, X-Real-IP, X-Forwarded-For/-Proto, upgrades websockets,
// redirects http → https for secured sites, and answers 404 for unknown hosts.
import {
  createServer as createHttp,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttps } from 'node:https';
import { request as httpsRequest } from 'node:https';
import { existsSync, readFileSync } from 'node:fs';
import { connect as netConnect, type AddressInfo, type Socket } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import { join } from 'node:path';
import { ValetHome } from './store';
import { listDir } from '../util/fsx';

export interface HerdProxy {
  httpPort: number;
  httpsPort: number;
  /** Fetch a site as a browser on the Mac would: `url` like http://clave-x.test/path. */
  fetch(
    url: string,
    init?: { method?: string; headers?: Record<string, string> },
  ): Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: string;
  }>;
  close(): Promise<void>;
}

function siteFor(
  valet: ValetHome,
  hostHeader: string | undefined,
): { domain: string; target: string } | undefined {
  const host = (hostHeader ?? '').replace(/:\d+$/, '').toLowerCase();
  for (const f of listDir(valet.nginxDir)) {
    if (host === f || host === `www.${f}` || host.endsWith(`.${f}`)) {
      const m = /proxy_pass\s+(https?:\/\/[^\s;]+)\s*;/.exec(
        readFileSync(join(valet.nginxDir, f), 'utf8'),
      );
      if (m?.[1]) return { domain: f, target: m[1] };
    }
  }
  return undefined;
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'Content-Type': 'text/html' });
  res.end(
    '<html><body><h1>404 - Not Found</h1><p>Laravel Herd could not find this site.</p></body></html>',
  );
}

export async function startHerdProxy(opts: {
  herdHome: string;
  httpPort?: number;
  httpsPort?: number;
}): Promise<HerdProxy> {
  const valet = new ValetHome(opts.herdHome);
  const secured = (domain: string) => existsSync(join(valet.certsDir, `${domain}.crt`));

  const forward = (req: IncomingMessage, res: ServerResponse, scheme: 'http' | 'https') => {
    const site = siteFor(valet, req.headers.host);
    if (!site) return notFound(res);
    if (scheme === 'http' && secured(site.domain)) {
      res.writeHead(301, { Location: `https://${req.headers.host}${req.url ?? '/'}` });
      res.end();
      return;
    }
    const target = new URL(site.target);
    const remote = req.socket.remoteAddress ?? '127.0.0.1';
    const headers = {
      ...req.headers,
      host: req.headers.host,
      'x-real-ip': remote,
      'x-forwarded-for': req.headers['x-forwarded-for']
        ? `${req.headers['x-forwarded-for']}, ${remote}`
        : remote,
      'x-forwarded-proto': scheme,
    };
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const up = send(
      {
        hostname: target.hostname,
        port: target.port || (target.protocol === 'https:' ? 443 : 80),
        path: (target.pathname.replace(/\/$/, '') || '') + (req.url ?? '/'),
        method: req.method,
        headers,
        rejectUnauthorized: false,
      },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    up.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
    });
    req.pipe(up);
  };

  const upgrade = (req: IncomingMessage, sock: Socket) => {
    const site = siteFor(valet, req.headers.host);
    if (!site) return sock.destroy();
    const target = new URL(site.target);
    const up = netConnect(Number(target.port || 80), target.hostname, () => {
      up.write(
        `${req.method} ${req.url} HTTP/1.1\r\n${Object.entries(req.headers)
          .map(([k, v]) => `${k}: ${String(v)}`)
          .join('\r\n')}\r\n\r\n`,
      );
      up.pipe(sock).pipe(up);
    });
    up.on('error', () => sock.destroy());
    sock.on('error', () => up.destroy());
  };

  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  const http = createHttp((req, res) => forward(req, res, 'http'));
  http.on('connection', track);
  http.on('upgrade', (req, sock) => upgrade(req, sock as Socket));
  const contexts = new Map<string, SecureContext>();
  const https = createHttps(
    {
      SNICallback: (name, cb) => {
        const site = siteFor(valet, name);
        if (!site) return cb(new Error(`no certificate for ${name}`));
        let ctx = contexts.get(site.domain);
        if (!ctx) {
          ctx = createSecureContext({
            cert: readFileSync(join(valet.certsDir, `${site.domain}.crt`)),
            key: readFileSync(join(valet.certsDir, `${site.domain}.key`)),
          });
          contexts.set(site.domain, ctx);
        }
        cb(null, ctx);
      },
    },
    (req, res) => forward(req, res, 'https'),
  );
  https.on('connection', track);
  https.on('upgrade', (req, sock) => upgrade(req, sock as Socket));
  const listen = (srv: typeof http | typeof https, port: number) =>
    new Promise<number>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(port, '127.0.0.1', () => resolve((srv.address() as AddressInfo).port));
    });
  const httpPort = await listen(http, opts.httpPort ?? 0);
  const httpsPort = await listen(https, opts.httpsPort ?? 0);

  return {
    httpPort,
    httpsPort,
    fetch(url, init) {
      const u = new URL(url);
      const secure = u.protocol === 'https:';
      return new Promise((resolve, reject) => {
        const send = secure ? httpsRequest : httpRequest;
        const r = send(
          {
            host: '127.0.0.1',
            port: secure ? httpsPort : httpPort,
            path: u.pathname + u.search,
            method: init?.method ?? 'GET',
            headers: { ...init?.headers, host: u.host },
            servername: u.hostname,
            rejectUnauthorized: false,
          },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (body += c));
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, headers: res.headers, body }),
            );
          },
        );
        r.on('error', reject);
        r.end();
      });
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all([
        new Promise((r) => http.close(() => r(undefined))),
        new Promise((r) => https.close(() => r(undefined))),
      ]);
    },
  };
}
