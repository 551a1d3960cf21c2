import { describe, expect, it } from 'vitest';
import { bashLogin, command, quote, ShellQuoteError, withEnv } from './shell-quote';
import { HOSTILE_STRINGS } from './testing/hostile-strings';

/** A reference POSIX-shell word parser for single-quoted/unquoted words, enough to check `quote`. */
function parseWords(line: string): string[] {
  const words: string[] = [];
  let current: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] ?? '';
    if (ch === ' ') {
      if (current !== null) words.push(current);
      current = null;
    } else if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error('unterminated quote');
      current = (current ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (ch === '\\') {
      current = (current ?? '') + (line[i + 1] ?? '');
      i++;
    } else if (/[A-Za-z0-9_@%+:,./=-]/.test(ch)) {
      current = (current ?? '') + ch;
    } else {
      throw new Error(`unquoted special character ${JSON.stringify(ch)} in ${line}`);
    }
  }
  if (current !== null) words.push(current);
  return words;
}

describe('quote', () => {
  it.each([
    ['', "''"],
    ['plain', 'plain'],
    ['/srv/project/file.php', '/srv/project/file.php'],
    ['with space', "'with space'"],
    ["it's", "'it'\\''s'"],
    ['$(rm -rf /)', "'$(rm -rf /)'"],
    ['`id`', "'`id`'"],
    ['a\nb', "'a\nb'"],
    ['a=b', "'a=b'"],
    ['~', "'~'"],
    ['*', "'*'"],
    ['ünï', "'ünï'"],
  ])('quotes %j as %s', (input, expected) => {
    expect(quote(input)).toBe(expected);
  });

  it('round-trips every hostile string through a shell word parser', () => {
    for (const value of HOSTILE_STRINGS) {
      expect(parseWords(quote(value)), JSON.stringify(value)).toEqual([value]);
    }
  });

  it('leaves nothing the shell would expand outside single quotes', () => {
    for (const value of HOSTILE_STRINGS) {
      const q = quote(value);
      // Outside quotes only safe characters and the \' escape may appear.
      let outside = '';
      for (let i = 0; i < q.length; i++) {
        if (q[i] === "'") i = q.indexOf("'", i + 1);
        else if (q[i] === '\\' && q[i + 1] === "'") i++;
        else outside += q[i];
      }
      expect(outside, q).toMatch(/^[A-Za-z0-9_@%+:,./-]*$/);
    }
  });

  it('rejects NUL and non-strings', () => {
    expect(() => quote('a\0b')).toThrow(ShellQuoteError);
    expect(() => quote(42 as unknown as string)).toThrow(ShellQuoteError);
  });
});

describe('command, withEnv, bashLogin', () => {
  it('quotes every argument, including the program position', () => {
    expect(command(['printf', '%s\n', "it's"])).toBe("printf '%s\n' 'it'\\''s'");
    expect(command(['A=b', 'x'])).toBe("'A=b' x");
    expect(parseWords(command(['echo', ...HOSTILE_STRINGS]))).toEqual(['echo', ...HOSTILE_STRINGS]);
    expect(() => command([])).toThrow(ShellQuoteError);
  });

  it('builds env assignments with quoted values and checked names', () => {
    expect(withEnv({ LANG: 'C.UTF-8', X: 'a b' }, ['env'])).toBe("LANG=C.UTF-8 X='a b' env");
    expect(() => withEnv({ 'BAD NAME': 'x' }, ['env'])).toThrow(ShellQuoteError);
    expect(() => withEnv({ 'A;rm': 'x' }, ['env'])).toThrow(ShellQuoteError);
  });

  it('wraps a script for a login shell as one argument', () => {
    const script = `cd ${quote('/srv/my project')} && claude`;
    expect(parseWords(bashLogin(script))).toEqual(['bash', '-lc', script]);
  });
});
