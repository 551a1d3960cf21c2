// Herd's Valet home, laid out like the real one: <herd home>/config/valet/{config.json, Nginx/<domain>,
// Certificates/<domain>.{crt,key}, Sites/<name> (links)}. The herd home is
// $TART_SIM_HERD_HOME, or ~/Library/Application Support/Herd as on a Mac.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { listDir } from '../util/fsx';

export function herdHome(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env.TART_SIM_HERD_HOME || join(env.HOME || homedir(), 'Library', 'Application Support', 'Herd')
  );
}

export interface ValetConfig {
  tld: string;
  loopback: string;
  paths: string[];
}

export interface Proxy {
  site: string;
  secured: boolean;
  url: string;
  host: string;
}

export class ValetHome {
  readonly dir: string;
  constructor(readonly herd: string) {
    this.dir = join(herd, 'config', 'valet');
  }

  get nginxDir(): string {
    return join(this.dir, 'Nginx');
  }
  get certsDir(): string {
    return join(this.dir, 'Certificates');
  }
  get sitesDir(): string {
    return join(this.dir, 'Sites');
  }

  config(): ValetConfig {
    const path = join(this.dir, 'config.json');
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as ValetConfig;
    } catch {
      const fresh: ValetConfig = { tld: 'test', loopback: '127.0.0.1', paths: [] };
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(path, JSON.stringify(fresh, null, 4) + '\n');
      return fresh;
    }
  }

  saveConfig(c: ValetConfig): void {
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(join(this.dir, 'config.json'), JSON.stringify(c, null, 4) + '\n');
  }

  domain(name: string): string {
    const tld = this.config().tld;
    return name.endsWith(`.${tld}`) ? name : `${name}.${tld}`;
  }

  /** Valet's unsecure(): drop the site's certificate and nginx file. */
  unsecure(domain: string): void {
    for (const ext of ['crt', 'key', 'csr', 'conf'])
      rmSync(join(this.certsDir, `${domain}.${ext}`), { force: true });
    rmSync(join(this.nginxDir, domain), { force: true });
  }

  writeProxy(domain: string, host: string, secure: boolean): void {
    this.unsecure(domain);
    mkdirSync(this.nginxDir, { recursive: true });
    if (secure) {
      mkdirSync(this.certsDir, { recursive: true });
      const key = join(this.certsDir, `${domain}.key`);
      const crt = join(this.certsDir, `${domain}.crt`);
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '368',
          '-keyout',
          key,
          '-out',
          crt,
          '-subj',
          `/C=US/ST=MN/O=Laravel Valet/CN=${domain}`,
          '-addext',
          `subjectAltName=DNS:${domain},DNS:*.${domain}`,
        ],
        { stdio: 'ignore' },
      );
    }
    writeFileSync(join(this.nginxDir, domain), proxyStub(domain, host, secure, this.dir));
  }

  proxies(): Proxy[] {
    const files = listDir(this.nginxDir).sort();
    const tld = this.config().tld;
    const out: Proxy[] = [];
    for (const f of files) {
      const m = /proxy_pass\s+(https?:\/\/[^\s;]+)\s*;/.exec(
        readFileSync(join(this.nginxDir, f), 'utf8'),
      );
      if (!m?.[1]) continue;
      const secured = existsSync(join(this.certsDir, `${f}.crt`));
      const site = f.endsWith(`.${tld}`) ? f.slice(0, -tld.length - 1) : f;
      out.push({ site, secured, url: `${secured ? 'https' : 'http'}://${f}`, host: m[1] });
    }
    return out;
  }

  links(): Array<{ site: string; secured: boolean; url: string; path: string }> {
    const names = listDir(this.sitesDir).sort();
    const tld = this.config().tld;
    return names
      .filter((n) => lstatSync(join(this.sitesDir, n)).isSymbolicLink())
      .map((n) => {
        const secured = existsSync(join(this.certsDir, `${n}.${tld}.crt`));
        return {
          site: n,
          secured,
          url: `${secured ? 'https' : 'http'}://${n}.${tld}`,
          path: readlinkSync(join(this.sitesDir, n)),
        };
      });
  }
}

/** Valet's proxy.valet.conf / secure.proxy.valet.conf, with the placeholders filled in. */
export function proxyStub(
  domain: string,
  host: string,
  secure: boolean,
  valetHome: string,
): string {
  const location = [
    '    location / {',
    `        proxy_pass ${host};`,
    '        proxy_set_header   Host              $host;',
    '        proxy_set_header   X-Real-IP         $remote_addr;',
    '        proxy_set_header   X-Forwarded-For   $proxy_add_x_forwarded_for;',
    '        proxy_set_header   X-Forwarded-Proto $scheme;',
    '        proxy_set_header   Upgrade           $http_upgrade;',
    '        proxy_set_header   Connection        "upgrade";',
    '        proxy_http_version 1.1;',
    '        proxy_read_timeout 1800;',
    '        proxy_connect_timeout 1800;',
    '        proxy_buffering off;',
    '    }',
  ];
  if (!secure) {
    return [
      `# valet stub: proxy.valet.conf`,
      '',
      'server {',
      '    listen 127.0.0.1:80;',
      `    server_name ${domain} www.${domain} *.${domain};`,
      '    charset utf-8;',
      '    client_max_body_size 128M;',
      `    error_log "${valetHome}/Log/nginx-error.log";`,
      ...location,
      '}',
      '',
    ].join('\n');
  }
  return [
    `# valet stub: secure.proxy.valet.conf`,
    '',
    'server {',
    '    listen 127.0.0.1:80;',
    `    server_name ${domain} www.${domain} *.${domain};`,
    '    return 301 https://$host$request_uri;',
    '}',
    '',
    'server {',
    '    listen 127.0.0.1:443 ssl;',
    `    server_name ${domain} www.${domain} *.${domain};`,
    `    ssl_certificate "${valetHome}/Certificates/${domain}.crt";`,
    `    ssl_certificate_key "${valetHome}/Certificates/${domain}.key";`,
    ...location,
    '}',
    '',
  ].join('\n');
}
