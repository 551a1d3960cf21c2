// Where a session runs: the request, else the project's .clave.json, else the setting; Orchard
// only once a controller is named, else a problem saying how to name one.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Settings } from '../../config/settings';
import { createBackends } from '../../vm/backend-set';
import type { VmRuntime } from '../../vm/runtime';
import { backendFor } from './choose-backend';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function project(config?: object): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clave-backend-'));
  dirs.push(dir);
  if (config) writeFileSync(path.join(dir, '.clave.json'), JSON.stringify(config));
  return dir;
}

describe('backendFor', () => {
  const tartSetting = Settings.parse({});
  const orchardSetting = Settings.parse({ backend: { kind: 'orchard' } });

  it('takes the request first, then .clave.json, then the setting', () => {
    expect(backendFor(null, project(), tartSetting)).toBe('tart');
    expect(backendFor(null, project(), orchardSetting)).toBe('orchard');
    expect(backendFor(null, project({ backend: 'orchard' }), tartSetting)).toBe('orchard');
    expect(backendFor(null, project({ backend: 'tart' }), orchardSetting)).toBe('tart');
    expect(backendFor('tart', project({ backend: 'orchard' }), orchardSetting)).toBe('tart');
    expect(backendFor('orchard', project({ backend: 'tart' }), tartSetting)).toBe('orchard');
  });

  it('falls back to the setting when .clave.json is broken (the start itself reports it)', () => {
    const dir = project();
    writeFileSync(path.join(dir, '.clave.json'), '{not json');
    expect(backendFor(null, dir, orchardSetting)).toBe('orchard');
  });
});

describe('createBackends', () => {
  const tart = { kind: 'tart' } as VmRuntime;
  const orchard = { kind: 'orchard' } as VmRuntime;

  it('always has Tart; Orchard only once configured', () => {
    let configured = false;
    const b = createBackends(tart, { configured: () => configured, runtime: () => orchard });
    expect(b.available()).toEqual(['tart']);
    expect(b.runtime('tart')).toBe(tart);
    expect(() => b.runtime('orchard')).toThrow(/Orchard is chosen but no controller/);
    configured = true;
    expect(b.available()).toEqual(['tart', 'orchard']);
    expect(b.runtime('orchard')).toBe(orchard);
  });

  it('says how to set Orchard up', () => {
    try {
      createBackends(tart, null).runtime('orchard');
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({
        code: 'orchard.not-configured',
        fix: expect.stringMatching(
          /clave orchard connect.*CLAVE_ORCHARD_URL.*CLAVE_ORCHARD_ACCOUNT/,
        ),
      });
    }
  });
});
