import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProjectConfig } from './project-config';
import { expectConfigError } from './testing/expect-config-error';

const root = mkdtempSync(path.join(tmpdir(), 'clave-project-config-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const project = (body: string) => {
  const dir = path.join(root, `p${++n}`);
  mkdirSync(dir);
  writeFileSync(path.join(dir, '.clave.json'), body);
  return dir;
};

describe('.clave.json', () => {
  it('defaults without a file, and reads a valid one', () => {
    expect(loadProjectConfig(root)).toEqual({
      bootstrap: { composer: true, migrate: true },
      claude: { carryClaudeMd: true, carrySettings: true, mcpTunnels: true },
    });
    expect(loadProjectConfig(project('{"bootstrap":{"migrate":false}}')).bootstrap).toEqual({
      composer: true,
      migrate: false,
    });
    expect(loadProjectConfig(project('{"claude":{"carrySettings":false}}')).claude).toEqual({
      carryClaudeMd: true,
      carrySettings: false,
      mcpTunnels: true,
    });
  });

  it('says what, why and the fix, naming .clave.json and the field', () => {
    const cases: [string, RegExp, RegExp][] = [
      [
        '{"vm":{"cpus":0}}',
        /\.clave\.json: invalid vm\.cpus/,
        /Set vm\.cpus in .*\.clave\.json to a valid value/,
      ],
      [
        '{"bootstrap":{"migrate":"no"}}',
        /invalid bootstrap\.migrate/,
        /Set bootstrap\.migrate in .*\.clave\.json/,
      ],
      [
        '{"claude":{"mcpTunnels":"off"}}',
        /invalid claude\.mcpTunnels/,
        /Set claude\.mcpTunnels in .*\.clave\.json to a valid value \(.*expected boolean/,
      ],
      ['{"claude":{"carryHooks":true}}', /invalid claude\.carryHooks/, /Remove claude\.carryHooks/],
      ['{"incldue":[".env"]}', /invalid incldue/, /Remove incldue from .*\.clave\.json/],
      ['{"vm":', /\.clave\.json is not valid JSON/, /Correct the JSON in .*\.clave\.json/],
      ['"x"', /\.clave\.json does not hold a JSON object/, /\.clave\.json/],
    ];
    for (const [body, what, fix] of cases)
      expectConfigError(() => loadProjectConfig(project(body)), what, fix);
  });
});
