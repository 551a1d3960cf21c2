import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Herd, HerdError, parseProxies } from './herd';
import { installRecordingTool } from './testing/recording-tool';
import { TempDirs } from './testing/temp-repo';

const temp = new TempDirs();
afterAll(() => temp.cleanup());

const NODE_DIR = path.dirname(process.execPath);

const PROXIES_TABLE = `+-------------+-----+---------------------------+------------------------+
| Site        | SSL | URL                       | Host                   |
+-------------+-----+---------------------------+------------------------+
| clave-a1b2  |     | http://clave-a1b2.test    | http://127.0.0.1:8081  |
| shop-x9     |  X  | https://shop-x9.test      | http://127.0.0.1:8082  |
+-------------+-----+---------------------------+------------------------+
`;

describe('parseProxies', () => {
  it('reads the box table by header names', () => {
    expect(parseProxies(PROXIES_TABLE)).toEqual([
      {
        site: 'clave-a1b2',
        secure: false,
        url: 'http://clave-a1b2.test',
        target: 'http://127.0.0.1:8081',
      },
      {
        site: 'shop-x9',
        secure: true,
        url: 'https://shop-x9.test',
        target: 'http://127.0.0.1:8082',
      },
    ]);
  });

  it('copes with extra columns, another order and no table at all', () => {
    const table = `| URL | Site | Host | SSL | Extra |\n| http://a.test | a | http://127.0.0.1:1 |  | v21 |\n`;
    expect(parseProxies(table)).toEqual([
      { site: 'a', secure: false, url: 'http://a.test', target: 'http://127.0.0.1:1' },
    ]);
    expect(parseProxies('No proxies.\n')).toEqual([]);
    expect(parseProxies('')).toEqual([]);
  });
});

/** A fake Herd installed where Herd puts it: ~/Library/Application Support/Herd/bin/herd. */
function installedHerd() {
  const home = temp.make('clave-home-');
  const bin = path.join(home, 'Library', 'Application Support', 'Herd', 'bin');
  const tool = installRecordingTool(bin, 'herd');
  const herd = new Herd({
    home,
    env: { PATH: `/usr/bin:/bin:${NODE_DIR}`, HOME: home, SHELL: '' },
  });
  return { home, bin, tool, herd };
}

describe('Herd', () => {
  it('finds herd in Herd’s own folder (path with spaces) even with a minimal PATH', async () => {
    const { herd, tool } = installedHerd();
    expect(await herd.availability()).toEqual({
      available: true,
      binary: tool.file,
      via: 'well-known',
    });
  });

  it('proxies with an argument array and returns the .test URL', async () => {
    const { herd, tool } = installedHerd();
    tool.respond({ stdout: 'test\n' });
    expect(await herd.proxy('clave-a1b2', 'http://127.0.0.1:8081')).toEqual({
      url: 'http://clave-a1b2.test',
    });
    expect(await herd.proxy('shop-x9', 'http://127.0.0.1:8082', { secure: true })).toEqual({
      url: 'https://shop-x9.test',
    });
    expect(tool.calls().map((c) => c.argv)).toEqual([
      ['proxy', 'clave-a1b2', 'http://127.0.0.1:8081'],
      ['tld'],
      ['proxy', 'shop-x9', 'http://127.0.0.1:8082', '--secure'],
    ]);
    // Herd's bin folder leads the PATH its shim runs with.
    expect(tool.calls()[0]?.path.split(':')[0]).toBe(path.dirname(tool.file));
  });

  it('reads the tld from the CLI, or from Valet’s config.json when the CLI fails', async () => {
    const { herd, tool, home } = installedHerd();
    tool.respond({ stdout: 'Herd is using the [local] domain\nlocal\n' });
    expect(await herd.tld()).toBe('local');
    const second = installedHerd();
    second.tool.respond({ stderr: 'boom', exit: 1 });
    const valet = path.join(
      second.home,
      'Library',
      'Application Support',
      'Herd',
      'config',
      'valet',
    );
    mkdirSync(valet, { recursive: true });
    writeFileSync(
      path.join(valet, 'config.json'),
      JSON.stringify({ tld: 'dev', loopback: '127.0.0.1' }),
    );
    expect(await second.herd.tld()).toBe('dev');
    expect(home).not.toBe(second.home);
  });

  it('treats unproxy of an unknown name as done, but reports other failures', async () => {
    const { herd, tool } = installedHerd();
    tool.respond({ stdout: 'Valet will no longer proxy [https://nope.test].\n' });
    await herd.unproxy('nope');
    tool.respond({ stderr: 'Site [nope] not found.\n', exit: 1 });
    await herd.unproxy('nope');
    tool.respond({ stderr: 'nginx: [emerg] bind() failed\n', exit: 1 });
    await expect(herd.unproxy('nope')).rejects.toMatchObject({
      code: 'herd.failed',
      why: 'nginx: [emerg] bind() failed',
    });
  });

  it('reports a failed proxy with Herd’s message', async () => {
    const { herd, tool } = installedHerd();
    tool.respond({ stderr: 'Sorry, nginx is not running\n', exit: 1 });
    const error = await herd.proxy('a', 'http://127.0.0.1:1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HerdError);
    expect((error as HerdError).code).toBe('herd.failed');
    expect((error as HerdError).detail).toContain('nginx is not running');
  });

  it('gives up on a herd that hangs', async () => {
    const { home, tool } = installedHerd();
    tool.respond({ sleepMs: 5000 });
    const herd = new Herd({
      home,
      timeoutMs: 300,
      env: { PATH: `/usr/bin:/bin:${NODE_DIR}`, HOME: home, SHELL: '' },
    });
    await expect(herd.proxy('a', 'http://127.0.0.1:1')).rejects.toMatchObject({
      code: 'herd.timeout',
    });
  });

  it('validates names and targets before calling herd', async () => {
    const { herd, tool } = installedHerd();
    for (const [name, target] of [
      ['a,b', 'http://127.0.0.1:1'],
      ['--secure', 'http://127.0.0.1:1'],
      ['UPPER', 'http://127.0.0.1:1'],
      ['ok', '127.0.0.1:8081'],
      ['ok', 'http://127.0.0.1:1,http://evil'],
    ] as const) {
      await expect(herd.proxy(name, target)).rejects.toMatchObject({ code: 'herd.invalid-input' });
    }
    expect(tool.calls()).toEqual([]);
  });

  it('is unavailable, with a reason, when Herd is not installed', async () => {
    const home = temp.make();
    const herd = new Herd({ home, env: { PATH: '/usr/bin:/bin', HOME: home, SHELL: '' } });
    const availability = await herd.availability();
    expect(availability.available).toBe(false);
    expect(availability).toMatchObject({
      reason: expect.stringMatching(/not installed/),
      fix: expect.stringMatching(/127\.0\.0\.1/),
    });
    await expect(herd.proxy('a', 'http://127.0.0.1:1')).rejects.toMatchObject({
      code: 'herd.unavailable',
    });
    const configured = new Herd({ home, binary: '/nonexistent/herd', env: {} });
    expect(await configured.availability()).toMatchObject({
      available: false,
      reason: expect.stringMatching(/nonexistent/),
    });
  });

  it('notices Herd installed after a negative answer', async () => {
    const home = temp.make();
    const herd = new Herd({
      home,
      env: { PATH: `/usr/bin:/bin:${NODE_DIR}`, HOME: home, SHELL: '' },
    });
    expect((await herd.availability()).available).toBe(false);
    installRecordingTool(path.join(home, 'Library', 'Application Support', 'Herd', 'bin'), 'herd');
    expect((await herd.availability()).available).toBe(true);
  });
});
