// The `herd` contract Clave relies on (../shared/contracts/herd.md), against the simulated Herd by
// default and the real one with CLAVE_CONTRACT_REAL=1. Most of it is inferred from Valet's
// source ([I] in the contract); these tests are how it gets checked on a Mac.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractTarget, type Target } from './target';

function proxyRow(table: string, site: string): string[] | undefined {
  for (const line of table.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells[1] === site) return cells.slice(1, -1);
  }
  return undefined;
}

describe('herd contract', () => {
  let t: Target;
  let tld: string;
  let site: string;

  beforeAll(async () => {
    t = await contractTarget();
    site = t.name('site');
  }, 120_000);
  afterAll(async () => {
    await t?.cleanup();
  }, 120_000);

  it('`herd tld` prints the TLD', async () => {
    const r = await t.herd(['tld']);
    expect(r.code).toBe(0);
    tld = r.stdout.trim();
    expect(tld).toMatch(/^[a-z0-9-]+$/);
  });

  it('`herd proxy NAME URL` appends the TLD; `herd proxies` lists Site | SSL | URL | Host', async () => {
    expect((await t.herd(['proxy', site, 'http://127.0.0.1:8123'])).code).toBe(0);
    const row = proxyRow((await t.herd(['proxies'])).stdout, site);
    expect(row).toEqual([site, '', `http://${site}.${tld}`, 'http://127.0.0.1:8123']);
  });

  it('the last writer wins silently, with or without the TLD in the name', async () => {
    expect((await t.herd(['proxy', `${site}.${tld}`, 'http://127.0.0.1:8124'])).code).toBe(0);
    expect(proxyRow((await t.herd(['proxies'])).stdout, site)?.[3]).toBe('http://127.0.0.1:8124');
  });

  it('refuses a target that is not an http(s) URL', async () => {
    const r = await t.herd(['proxy', site, '127.0.0.1:8125']);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('"127.0.0.1:8125" is not a valid URL');
    expect(proxyRow((await t.herd(['proxies'])).stdout, site)?.[3]).toBe('http://127.0.0.1:8124');
  });

  // valet stubs/secure.proxy.valet.conf: the secure site ends TLS and proxies plain http with
  // `Host $host` and `X-Forwarded-Proto $scheme`; its port-80 server answers 301 to https. Clave's
  // nginx site in the VM turns that header into HTTPS=on for PHP (provision/base-image.ts).
  it('a --secure proxy ends TLS and forwards http with Host and X-Forwarded-Proto: https', async () => {
    const echo = createServer((req, res) =>
      res.end(
        JSON.stringify({
          url: req.url,
          host: req.headers.host,
          proto: req.headers['x-forwarded-proto'],
        }),
      ),
    );
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    const secure = t.name('secure');
    try {
      const port = (echo.address() as AddressInfo).port;
      expect((await t.herd(['proxy', secure, `http://127.0.0.1:${port}`, '--secure'])).code).toBe(
        0,
      );
      const page = await t.fetchSite(`https://${secure}.${tld}/a/b?c=1`);
      expect(page.status).toBe(200);
      expect(JSON.parse(page.body)).toEqual({
        url: '/a/b?c=1',
        host: `${secure}.${tld}`,
        proto: 'https',
      });
      const plain = await t.fetchSite(`http://${secure}.${tld}/a`);
      expect(plain.status).toBe(301);
      expect(plain.headers.location).toBe(`https://${secure}.${tld}/a`);
    } finally {
      await t.herd(['unproxy', secure]);
      echo.close();
    }
  });

  it('`herd unproxy` of an unknown name succeeds; of a known one removes it', async () => {
    expect((await t.herd(['unproxy', t.name('never-proxied')])).code).toBe(0);
    expect((await t.herd(['unproxy', site])).code).toBe(0);
    expect(proxyRow((await t.herd(['proxies'])).stdout, site)).toBeUndefined();
  });
});
