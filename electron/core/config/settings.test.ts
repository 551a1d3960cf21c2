import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataDir } from './paths';
import { loadSettings } from './settings';
import { expectConfigError } from './testing/expect-config-error';

const dir = mkdtempSync(path.join(tmpdir(), 'clave-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, body: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, body);
  return p;
};

describe('settings', () => {
  it('defaults to the seed configuration when there is no file', () => {
    const s = loadSettings(path.join(dir, 'missing.json'), {});
    expect(s.baseVm).toBe('clave-base');
    expect(s.vm).toEqual({ cpus: 4, memoryMb: 8192, display: 'none' });
    expect(s.ports).toEqual({ from: 8081, to: 8199 });
    expect(s.ssh.user).toBe('admin');
  });

  it('lets the environment override the file', () => {
    const p = file('a.json', JSON.stringify({ vm: { cpus: 2 } }));
    const s = loadSettings(p, { CLAVE_VM_MEMORY: '4096' });
    expect(s.vm).toEqual({ cpus: 2, memoryMb: 4096, display: 'none' });
  });

  it('says what, why and the fix, naming the file and the field, for every bad value', () => {
    const cases: [() => unknown, RegExp, RegExp][] = [
      [
        () => loadSettings(file('b.json', JSON.stringify({ ports: { from: 9000, to: 8000 } })), {}),
        /b\.json: invalid ports\.to/,
        /Set ports\.to in .*b\.json to a valid value \(ports\.from must not be above ports\.to\)/,
      ],
      [
        () => loadSettings(file('c.json', JSON.stringify({ vm: { cpus: 'four' } })), {}),
        /c\.json: invalid vm\.cpus/,
        /Set vm\.cpus in .*c\.json to a valid value .*number/,
      ],
      [
        () => loadSettings(file('d.json', '{'), {}),
        /d\.json is not valid JSON/,
        /Correct the JSON in .*d\.json/,
      ],
      [
        () => loadSettings(file('e.json', JSON.stringify({ typo: 1 })), {}),
        /e\.json: invalid typo/,
        /Remove typo from .*e\.json/,
      ],
      [
        () => loadSettings(file('f.json', '[1]'), {}),
        /f\.json does not hold a JSON object/,
        /f\.json/,
      ],
      [
        () => loadSettings(file('g.json', '{}'), { CLAVE_VM_CPUS: 'x' }),
        /\$CLAVE_VM_CPUS is not a whole number/,
        /Set CLAVE_VM_CPUS to a whole number/,
      ],
    ];
    for (const [load, what, fix] of cases) expectConfigError(load, what, fix);
  });

  it('finds the data dir per platform, CLAVE_HOME first', () => {
    expect(dataDir({ CLAVE_HOME: '/x/y', HOME: '/h' }, 'darwin')).toBe('/x/y');
    expect(dataDir({ HOME: '/h' }, 'darwin')).toBe('/h/Library/Application Support/Clave');
    expect(dataDir({ HOME: '/h', XDG_DATA_HOME: '/d' }, 'linux')).toBe('/d/clave');
    expect(dataDir({ HOME: '/h' }, 'linux')).toBe('/h/.local/share/clave');
  });
});
