import { describe, expect, it } from 'vitest';
import { fastcgiLocation, fastcgiParams, parseSite } from './nginx-site';

const SITE = `# a comment
map $http_x_forwarded_proto $fwd_https {
    default '';
    https on;
}
server {
    listen 80;
    server_name _;
    root /srv/app/public;
    location / { try_files $uri $uri/ /index.php?$query_string; }
    location ~ ^/index\\.php(/|$) {
        fastcgi_pass unix:/run/php/php8.3-fpm.sock;
        include fastcgi_params;
        fastcgi_param DOCUMENT_ROOT $realpath_root;
        fastcgi_param HTTPS $fwd_https if_not_empty;
        fastcgi_param HTTP_HOST "fixed.test";
    }
}
`;

const request = (headers: Record<string, string>) => ({
  method: 'GET',
  requestUri: '/a/b?x=1',
  uri: '/index.php',
  headers: { host: 'app.test', ...headers },
  remoteAddr: '192.168.64.1',
  remotePort: 50000,
  serverAddr: '192.168.64.5',
  serverPort: 80,
  realRoot: '/real/app/public',
});

describe('the nginx site as nginx + PHP-FPM read it', () => {
  const site = parseSite(SITE, '/default');

  it('finds the root and passes only URIs of a fastcgi location to PHP', () => {
    expect(site.root).toBe('/srv/app/public');
    expect(fastcgiLocation(site, '/index.php')).toBeDefined();
    expect(fastcgiLocation(site, '/hello.php')).toBeUndefined();
  });

  it('evaluates map blocks, if_not_empty, fastcgi_params and later params overriding', () => {
    const loc = fastcgiLocation(site, '/index.php');
    const secure = fastcgiParams(site, loc, request({ 'x-forwarded-proto': 'https' }));
    expect(secure).toMatchObject({
      HTTPS: 'on',
      HTTP_X_FORWARDED_PROTO: 'https',
      REQUEST_URI: '/a/b?x=1',
      QUERY_STRING: 'x=1',
      SCRIPT_NAME: '/index.php',
      DOCUMENT_ROOT: '/real/app/public',
      SERVER_PORT: '80',
      REQUEST_SCHEME: 'http',
      HTTP_HOST: 'fixed.test',
    });
    const plain = fastcgiParams(site, loc, request({}));
    expect(plain).not.toHaveProperty('HTTPS');
    expect(fastcgiParams(site, loc, request({ 'x-forwarded-proto': 'http' }))).not.toHaveProperty(
      'HTTPS',
    );
  });

  it('a site without fastcgi locations (the image default) gets fastcgi_params only', () => {
    const bare = parseSite('server { root /x; }', '/default');
    expect(bare.fastcgi).toEqual([]);
    const p = fastcgiParams(bare, undefined, request({ 'x-forwarded-proto': 'https' }));
    expect(p).not.toHaveProperty('HTTPS');
    expect(p.HTTP_HOST).toBe('app.test');
  });
});
