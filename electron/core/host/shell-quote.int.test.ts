import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { bashLogin, command, quote, withEnv } from './shell-quote';
import { HOSTILE_STRINGS } from './testing/hostile-strings';

// The real shells a command may meet in the guest: dash (/bin/sh on Debian/Ubuntu) and bash.
const shells = ['/bin/sh', '/bin/bash', '/bin/dash'].filter((s) => existsSync(s));

function run(shell: string, line: string, env: NodeJS.ProcessEnv = {}): string {
  return execFileSync(shell, ['-c', line], {
    encoding: 'utf8',
    env: { PATH: '/usr/bin:/bin', ...env },
  });
}

describe.each(shells)('through %s', (shell) => {
  it('every hostile string arrives as one unchanged argument', () => {
    for (const value of HOSTILE_STRINGS) {
      expect(run(shell, `printf '[%s]' ${quote(value)}`), JSON.stringify(value)).toBe(`[${value}]`);
    }
    expect(run(shell, command(['printf', '[%s]', ...HOSTILE_STRINGS]))).toBe(
      HOSTILE_STRINGS.map((s) => `[${s}]`).join(''),
    );
  });

  it('runs nothing embedded in a value', () => {
    const marker = `/tmp/clave-quote-${process.pid}`;
    run(shell, command(['echo', `$(touch ${marker})`, `\`touch ${marker}\``, `; touch ${marker}`]));
    expect(existsSync(marker)).toBe(false);
  });

  it('passes hostile env values intact', () => {
    for (const value of HOSTILE_STRINGS) {
      expect(run(shell, withEnv({ V: value }, ['printenv', 'V']))).toBe(`${value}\n`);
    }
  });

  it('survives one more level of shell (bash -lc)', () => {
    for (const value of HOSTILE_STRINGS) {
      const line = bashLogin(`printf '[%s]' ${quote(value)}`);
      expect(run(shell, line, { HOME: '/nonexistent' }), JSON.stringify(value)).toBe(`[${value}]`);
    }
  });
});
