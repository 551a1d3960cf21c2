// The tart check against a Homebrew layout made on disk: a keg under Cellar/tart/<version>, the
// bin/ symlink into it, INSTALL_RECEIPT.json as Homebrew writes it, and an executable `tart`.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Tart } from '../host/tart';
import { runChecks } from './check';
import { compareVersions, tartCheck, tartOrigin } from './tart';
import { doctorContext } from './testing/context';

const root = mkdtempSync(path.join(tmpdir(), 'clave-doctor-tart-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A Homebrew prefix with tart <version> installed from `tap` (null: no receipt). */
function brewTart(name: string, version: string, tap: string | null): string {
  const prefix = path.join(root, name);
  const keg = path.join(prefix, 'Cellar', 'tart', version);
  mkdirSync(path.join(keg, 'bin'), { recursive: true });
  mkdirSync(path.join(prefix, 'bin'), { recursive: true });
  const exe = path.join(keg, 'bin', 'tart');
  writeFileSync(exe, `#!/bin/sh\n[ "$1" = --version ] && echo ${version}\n`);
  chmodSync(exe, 0o755);
  if (tap)
    writeFileSync(
      path.join(keg, 'INSTALL_RECEIPT.json'),
      JSON.stringify({
        homebrew_version: '4.6.0',
        installed_on_request: true,
        source: {
          path: `${prefix}/Library/Taps/x/Formula/tart.rb`,
          tap,
          spec: 'stable',
          versions: { stable: version },
        },
      }),
    );
  const link = path.join(prefix, 'bin', 'tart');
  symlinkSync(`../Cellar/tart/${version}/bin/tart`, link);
  return link;
}

const check = (binary: string) =>
  tartCheck.run(
    doctorContext({
      tart: new Tart({
        logDir: path.join(root, 'logs'),
        binary,
        env: { PATH: '/usr/bin:/bin' },
        platform: 'linux',
      }),
    }),
    new AbortController().signal,
  );

describe('tart check', () => {
  it('reads the tap from the keg Homebrew installed the resolved binary from', async () => {
    const frozen = brewTart('frozen', '2.32.1', 'cirruslabs/cli');
    expect(await tartOrigin(frozen)).toEqual({
      resolved: path.join(root, 'frozen/Cellar/tart/2.32.1/bin/tart'),
      tap: 'cirruslabs/cli',
    });
    const r = await check(frozen);
    expect(r.status).toBe('warn');
    expect(r.detail).toMatch(
      /^tart 2\.32\.1 \(from cirruslabs\/cli, .*\): installed from the cirruslabs\/cli tap, frozen at 2\.32\.1/,
    );
    expect(r.fix).toBe(
      'brew uninstall tart && brew install openai/tools/tart — your VMs in ~/.tart are kept (Homebrew never touches TART_HOME).',
    );
  });

  it('passes tart from openai/tools', async () => {
    const current = brewTart('current', '2.35.0', 'openai/tools');
    expect(await check(current)).toEqual({
      status: 'ok',
      detail: `tart 2.35.0 (from openai/tools, ${current})`,
    });
  });

  it('without a receipt, decides from the version', async () => {
    expect((await check(brewTart('old', '2.30.0', null))).status).toBe('warn');
    expect((await check(brewTart('new', '2.33.0', null))).status).toBe('ok');
  });

  it('fails with the install command when tart is missing', async () => {
    const ctx = doctorContext({
      tart: new Tart({
        logDir: root,
        binary: path.join(root, 'nowhere', 'tart'),
        env: {},
        platform: 'linux',
      }),
    });
    const [r] = await runChecks([tartCheck], ctx);
    expect(r!.status).toBe('fail');
    expect(r!.detail).toMatch(/^Tart is not installed/);
    expect(r!.fix).toMatch(/brew install openai\/tools\/tart`/);
  });

  it('compares versions numerically', () => {
    expect(compareVersions('2.32.1', '2.32.1')).toBe(0);
    expect(compareVersions('2.4.0', '2.32.1')).toBe(-1);
    expect(compareVersions('2.100', '2.32.1')).toBe(1);
    expect(compareVersions('SNAPSHOT', '2.32.1')).toBeNull();
  });
});
