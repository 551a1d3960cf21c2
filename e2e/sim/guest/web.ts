// The guest's web server on port 80 (stands in for nginx + php-fpm). It serves the first site in
// /etc/nginx/sites-enabled/* (default root /srv/project/public), re-read on SIGHUP
// (`systemctl reload|restart nginx`). Static files are served as they are. PHP runs where nginx
// would hand it to PHP-FPM — a `location ~ …` with `fastcgi_pass` (any .php in a site without
// one) — with the $_SERVER those fastcgi_params give it (nginx-site.ts); elsewhere a .php file is
// a static file, as with real nginx. A Laravel front controller answers 500 until `composer
// install` and an APP_KEY exist, then a small page with APP_NAME; other PHP goes through the
// echo-only "PHP" of laravel.ts.
import { createServer, type ServerResponse } from 'node:http';
import { existsSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { LARAVEL_VERSION, PHP_VERSION, readEnv, renderPhp } from './laravel';
import { fastcgiLocation, fastcgiParams, parseSite, type Site } from './nginx-site';

const DEFAULT_ROOT = '/srv/project/public';
let site: Site = parseSite('', DEFAULT_ROOT);

function loadSite(): void {
  const dir = '/etc/nginx/sites-enabled';
  try {
    for (const f of readdirSync(dir).sort()) {
      const text = readFileSync(join(dir, f), 'utf8');
      if (/^\s*server\s*\{/m.test(text)) {
        site = parseSite(text, DEFAULT_ROOT);
        return;
      }
    }
  } catch {
    // no site config: keep the default
  }
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.htm': 'text/html',
  '.txt': 'text/plain',
  '.css': 'text/css',
  '.js': 'application/javascript',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

function page(res: ServerResponse, status: number, title: string): void {
  res.writeHead(status, { 'Content-Type': 'text/html' });
  res.end(
    `<html>\r\n<head><title>${status} ${title}</title></head>\r\n<body>\r\n<center><h1>${status} ${title}</h1></center>\r\n<hr><center>nginx/1.24.0 (Ubuntu)</center>\r\n</body>\r\n</html>\r\n`,
  );
}

function runPhp(file: string, res: ServerResponse, server: Record<string, string>): void {
  const source = readFileSync(file, 'utf8');
  if (source.includes('vendor/autoload.php')) {
    // A Laravel front controller.
    const project = dirname(dirname(file));
    const env = readEnv(project);
    if (!existsSync(join(project, 'vendor', 'autoload.php')) || !env?.get('APP_KEY')) {
      res.writeHead(500, { 'Content-Type': 'text/html; charset=UTF-8' });
      res.end('');
      return;
    }
    const name = env.get('APP_NAME') ?? 'Laravel';
    res.writeHead(200, { 'Content-Type': 'text/html; charset=UTF-8' });
    res.end(
      `<!DOCTYPE html>\n<html><head><title>${name}</title></head><body>` +
        `<h1>${name}</h1><p>Laravel v${LARAVEL_VERSION} (PHP v${PHP_VERSION})</p>` +
        `<p>${server.REQUEST_URI ?? '/'} on ${server.HTTP_HOST ?? ''}</p></body></html>\n`,
    );
    return;
  }
  res.writeHead(200, { 'Content-Type': 'text/html; charset=UTF-8' });
  res.end(renderPhp(source, server));
}

const server = createServer((req, res) => {
  res.setHeader('Server', 'nginx/1.24.0 (Ubuntu)');
  res.setHeader('X-Tart-Sim-Host', hostname());
  const url = new URL(req.url ?? '/', 'http://localhost');
  const root = site.root;
  let rel: string;
  try {
    rel = normalize(decodeURIComponent(url.pathname));
  } catch {
    page(res, 400, 'Bad Request');
    return;
  }
  if (rel.split('/').includes('..')) {
    page(res, 400, 'Bad Request');
    return;
  }
  if (!existsSync(root)) {
    page(res, 404, 'Not Found');
    return;
  }
  let file = join(root, rel);
  // try_files $uri $uri/ /index.php?$query_string
  if (existsSync(file) && statSync(file).isDirectory()) {
    const index = ['index.html', 'index.htm', 'index.php']
      .map((i) => join(file, i))
      .find(existsSync);
    if (!index) {
      page(res, rel === '/' ? 403 : 404, rel === '/' ? 'Forbidden' : 'Not Found');
      return;
    }
    file = index;
  } else if (!existsSync(file)) {
    const front = join(root, 'index.php');
    if (!existsSync(front)) {
      page(res, 404, 'Not Found');
      return;
    }
    file = front;
  }
  try {
    const uri = '/' + file.slice(root.length).replace(/^\/+/, '');
    const location = fastcgiLocation(site, uri);
    if (extname(file) === '.php' && (location || site.fastcgi.length === 0)) {
      const serverVars = fastcgiParams(site, location, {
        method: req.method ?? 'GET',
        requestUri: req.url ?? '/',
        uri,
        headers: req.headers,
        remoteAddr: req.socket.remoteAddress ?? '',
        remotePort: req.socket.remotePort ?? 0,
        serverAddr: req.socket.localAddress ?? '',
        serverPort: req.socket.localPort ?? 80,
        realRoot: realpathSync(root),
      });
      runPhp(file, res, serverVars);
      return;
    }
    const body = readFileSync(file);
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch {
    page(res, 403, 'Forbidden');
  }
});

loadSite();
process.on('SIGHUP', loadSite);
process.on('SIGTERM', () => process.exit(0));
server.listen(80, '0.0.0.0');
