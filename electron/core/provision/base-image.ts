// What a provisioned base image holds that sessions rely on, named once for the provisioning
// script that makes it and the session steps that use it: the stamp recording the image's spec,
// PHP-FPM's unit and socket, and the nginx site.
import { z } from 'zod';
import { PROJECT_DIR, PhpVersion } from './spec';

/** Stamp the finished image carries: generator version, spec and its hash, mode, date. */
export const STAMP_PATH = '/etc/clave/base-image.json';

export function fpmSocketPath(phpVersion: string): string {
  return `/run/php/php${phpVersion}-fpm.sock`;
}

/** The systemd unit of PHP-FPM as ondrej/php's `php<version>-fpm` package installs it. */
export function fpmService(phpVersion: string): string {
  return `php${phpVersion}-fpm`;
}

const RecordedPhp = z.object({ spec: z.object({ php: z.object({ version: PhpVersion }) }) });

/** The PHP version a base image was provisioned with, from its stamp; null if unreadable. */
export function recordedPhpVersion(stampText: string): string | null {
  let json: unknown;
  try {
    json = JSON.parse(stampText);
  } catch {
    return null;
  }
  const parsed = RecordedPhp.safeParse(json);
  return parsed.success ? parsed.data.spec.php.version : null;
}

/**
 * The nginx site: Laravel's documented layout, PHP through the FPM socket. Herd's secure proxy
 * (valet stubs/secure.proxy.valet.conf) ends TLS and forwards plain http with
 * `X-Forwarded-Proto $scheme`; Laravel trusts no proxy by default, so PHP learns the request was
 * https from the HTTPS param (Symfony's isSecure()), or asset()/route() make http:// URLs on an
 * https:// page. The `map` sits beside the server block: sites-enabled is included in http {}.
 */
export function nginxSite(phpVersion: string): string {
  return `# Clave: the session's Laravel app, served from the VirtioFS share.
# https at Herd's proxy (X-Forwarded-Proto) is https for PHP: HTTPS=on.
map $http_x_forwarded_proto $clave_https {
    default '';
    https on;
}
server {
    listen 80 default_server;
    listen [::]:80 default_server;
    server_name _;
    root ${PROJECT_DIR}/public;
    index index.php index.html;
    charset utf-8;
    client_max_body_size 64M;

    add_header X-Frame-Options "SAMEORIGIN";
    add_header X-Content-Type-Options "nosniff";

    location / {
        try_files $uri $uri/ /index.php?$query_string;
    }

    location = /favicon.ico { access_log off; log_not_found off; }
    location = /robots.txt  { access_log off; log_not_found off; }

    error_page 404 /index.php;

    location ~ ^/index\\.php(/|$) {
        fastcgi_pass unix:${fpmSocketPath(phpVersion)};
        fastcgi_split_path_info ^(.+\\.php)(/.*)$;
        include fastcgi_params;
        fastcgi_param SCRIPT_FILENAME $realpath_root$fastcgi_script_name;
        fastcgi_param DOCUMENT_ROOT $realpath_root;
        fastcgi_param HTTPS $clave_https if_not_empty;
        # Request headers reach PHP as HTTP_*, X-Forwarded-Host/-Port/-Proto among them (the default,
        # stated because TrustProxies relies on it when an app trusts the proxy).
        fastcgi_pass_request_headers on;
        fastcgi_hide_header X-Powered-By;
    }

    location ~ /\\.(?!well-known).* {
        deny all;
    }
}
`;
}
