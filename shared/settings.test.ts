import { describe, expect, it } from 'vitest';
import { Settings, patchFor, settingsFields, valueAt, mergeSettings } from './settings';

/** Every leaf of a settings object, as dotted paths. */
function leaves(o: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    v && typeof v === 'object'
      ? leaves(v as Record<string, unknown>, `${prefix}${k}.`)
      : [`${prefix}${k}`],
  );
}

describe('the settings schema drives the form', () => {
  it('lists every setting once, titled and described, with its default', () => {
    const fields = settingsFields();
    const withDefaults = leaves(Settings.parse({}));
    const optional = [
      'ssh.privateKeyPath',
      'editor',
      'backend.url',
      'backend.serviceAccount',
      'backend.image',
    ];
    expect(fields.map((f) => f.path).sort()).toEqual([...withDefaults, ...optional].sort());
    for (const f of fields) {
      expect(f.title, f.path).not.toBe(f.path);
      expect(f.description, f.path).not.toBe('');
      if (!optional.includes(f.path))
        expect(f.default, f.path).toEqual(valueAt(Settings.parse({}), f.path));
      expect(f.optional, f.path).toBe(optional.includes(f.path));
    }
    const cpus = fields.find((f) => f.path === 'vm.cpus')!;
    expect(cpus).toMatchObject({
      group: 'Session VMs',
      kind: 'integer',
      min: 1,
      max: 64,
      default: 4,
    });
    expect(fields.find((f) => f.path === 'services.mode')).toMatchObject({
      kind: 'enum',
      options: ['host', 'vm'],
    });
    expect(fields.find((f) => f.path === 'herd.secure')?.kind).toBe('boolean');
    // Maps have no form control (settings.json only).
    expect(fields.find((f) => f.path === 'backend.labels')).toBeUndefined();
    expect(fields.find((f) => f.path === 'ssh.password')?.secret).toBe(true);
    expect(fields.find((f) => f.path === 'baseVm')?.group).toBe('General');
    expect(
      fields.filter((f) => f.group === 'Notifications').map((f) => [f.path, f.kind, f.default]),
    ).toEqual([
      ['notifications.needsInput', 'boolean', true],
      ['notifications.idle', 'boolean', true],
      ['notifications.error', 'boolean', true],
      ['notifications.exited', 'boolean', false],
    ]);
  });

  it('refuses notification settings that are not booleans or not events', () => {
    expect(Settings.parse({ notifications: { exited: true } }).notifications).toEqual({
      needsInput: true,
      idle: true,
      error: true,
      exited: true,
    });
    expect(Settings.safeParse({ notifications: { idle: 'yes' } }).success).toBe(false);
    const typo = Settings.safeParse({ notifications: { needsinput: false } });
    expect(typo.success).toBe(false);
  });

  it('builds and applies patches: nested merge, null removes', () => {
    expect(patchFor('vm.cpus', 2)).toEqual({ vm: { cpus: 2 } });
    expect(
      mergeSettings(
        { vm: { cpus: 1, memoryMb: 2048 }, editor: 'x' },
        { vm: { cpus: null }, editor: null },
        true,
      ),
    ).toEqual({
      vm: { memoryMb: 2048 },
    });
    expect(mergeSettings({ a: 1 }, { a: null })).toEqual({ a: null });
  });
});

describe('mergeSettings and `__proto__`', () => {
  it('keeps a `__proto__` key as a key, so the strict schema refuses it', () => {
    const merged = mergeSettings({}, JSON.parse('{"__proto__": {"editor": "vim"}}') as never);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect((merged as { editor?: string }).editor).toBeUndefined();
    expect(Settings.safeParse(merged).success).toBe(false);
  });
});
