import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from './settings';
import { SettingsStore } from './settings-store';

const dir = mkdtempSync(path.join(tmpdir(), 'clave-settings-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fileWith = (body?: string) => {
  const p = path.join(dir, `s${++n}`, 'settings.json');
  mkdirSync(path.dirname(p), { recursive: true });
  if (body !== undefined) writeFileSync(p, body);
  return p;
};

describe('SettingsStore', () => {
  it('writes a valid change to settings.json, owner-only, and new sessions see it', () => {
    const file = fileWith(); // no file yet: defaults
    const store = new SettingsStore(file, {});
    const seen: number[] = [];
    store.onChange((s) => seen.push(s.vm.cpus));
    const r = store.update({ vm: { cpus: 2 }, editor: 'Cursor' });
    expect(r.ok).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ vm: { cpus: 2 }, editor: 'Cursor' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(store.current().vm).toEqual({ cpus: 2, memoryMb: 8192, display: 'none' });
    expect(seen).toEqual([2]);
    // A second store reading the file (the next start) agrees.
    expect(new SettingsStore(file, {}).current().editor).toBe('Cursor');
  });

  it('refuses an invalid change field by field and writes nothing', () => {
    const file = fileWith('{"vm":{"cpus":3}}\n');
    const store = new SettingsStore(file, {});
    const r = store.update({ vm: { cpus: 0, display: 'big' }, ports: { from: 9000, to: 8000 } });
    expect(r).toEqual({
      ok: false,
      errors: [
        { path: 'vm.cpus', message: expect.stringMatching(/>=1/), fix: 'Use at least 1.' },
        {
          path: 'vm.display',
          message: 'none, or a size such as 1280x800',
          fix: 'Use none, or a size such as 1280x800.',
        },
        {
          path: 'ports.to',
          message: 'ports.from must not be above ports.to',
          fix: 'Make the last port at least the first port.',
        },
      ],
    });
    expect(readFileSync(file, 'utf8')).toBe('{"vm":{"cpus":3}}\n');
    expect(store.current().vm.cpus).toBe(3);
    const typo = store.update({ cpus: 2 });
    expect(typo.ok === false && typo.errors[0]).toMatchObject({ path: '', fix: /Remove cpus/ });
  });

  it('null puts a field back to its default; the view says where settings live and what the environment decides', () => {
    const file = fileWith('{"editor":"vim","vm":{"cpus":3,"memoryMb":2048}}');
    const store = new SettingsStore(file, { CLAVE_VM_MEMORY: '4096' });
    const r = store.update({ editor: null, vm: { cpus: null } });
    expect(r.ok).toBe(true);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ vm: { memoryMb: 2048 } });
    const view = store.view();
    expect(view.file).toBe(file);
    expect(view.fileValues).toEqual({ vm: { memoryMb: 2048 } });
    expect(view.settings.vm).toEqual({ cpus: 4, memoryMb: 4096, display: 'none' });
    expect(view.overrides).toEqual([{ env: 'CLAVE_VM_MEMORY', path: 'vm.memoryMb' }]);
    expect(view.settings.editor).toBeUndefined();
  });

  it('does not overwrite a settings.json it cannot read', () => {
    const file = fileWith('{"vm":{"cpus":3}}');
    const store = new SettingsStore(file, {});
    writeFileSync(file, '{ broken');
    expect(() => store.update({ vm: { cpus: 2 } })).toThrow(ConfigError);
    expect(readFileSync(file, 'utf8')).toBe('{ broken');
  });
});
