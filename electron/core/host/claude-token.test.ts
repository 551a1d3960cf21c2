import { describe, expect, it } from 'vitest';
import stripAnsi from 'strip-ansi';
import { extractToken, maskSecret, normaliseOAuthToken, TokenRedactor } from './claude-token';

const TOKEN = `sk-ant-oat01-${'Ab3_-x'.repeat(15)}Zz9Q`;

function wrap(text: string, width: number): string {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += width) out.push(text.slice(i, i + width));
  return out.join('\r\n');
}

const SETUP_OUTPUT = [
  '\x1b[1m✓ Long-lived authentication token created successfully!\x1b[22m',
  '',
  'Your OAuth token (valid for 1 year):',
  '',
  `\x1b[33m${TOKEN}\x1b[39m`,
  '',
  "Store this token securely. You won't be able to see it again.",
  '',
  'Use this token by setting: export CLAUDE_CODE_OAUTH_TOKEN=<token>',
  '',
].join('\r\n');

describe('extractToken', () => {
  it('finds the token in decorated setup-token output', () => {
    expect(extractToken(SETUP_OUTPUT)).toBe(TOKEN);
  });

  it('joins a token hard-wrapped across lines', () => {
    const wrapped = `Your OAuth token:\r\n\r\n${wrap(TOKEN, 40)}\r\n\r\nStore this token securely.\r\n`;
    expect(extractToken(wrapped)).toBe(TOKEN);
    // Wrapped without a blank line after it, the next sentence is not glued on.
    expect(extractToken(`${wrap(TOKEN, 40)}\nStore this token securely.`)).toBe(TOKEN);
  });

  it('handles PTY line endings (\\r\\r\\n)', () => {
    expect(extractToken(`Token:\r\r\n${wrap(TOKEN, 40).replace(/\r\n/g, '\r\r\n')}\r\r\n`)).toBe(
      TOKEN,
    );
  });

  it('does not treat a short line plus a word as a wrap', () => {
    expect(extractToken('token: sk-ant-oat01-abcdefghijkl\nDone\n')).toBe(
      'sk-ant-oat01-abcdefghijkl',
    );
  });

  it('returns the last token and null when there is none', () => {
    expect(extractToken(`old sk-ant-oat01-aaaaaaaaaaaa.\nnew ${TOKEN}\n`)).toBe(TOKEN);
    expect(extractToken('Error: login failed\n')).toBeNull();
    expect(extractToken('sk-ant-')).toBeNull();
  });
});

describe('normaliseOAuthToken', () => {
  it('strips whitespace from a pasted, wrapped token', () => {
    expect(normaliseOAuthToken(`  ${wrap(TOKEN, 30).replace(/\r/g, '')}\n`)).toEqual({
      ok: true,
      token: TOKEN,
    });
  });

  it('explains what is wrong with other input', () => {
    expect(normaliseOAuthToken('   ')).toEqual({ ok: false, reason: 'empty' });
    expect(normaliseOAuthToken('hello')).toEqual({ ok: false, reason: 'not-a-token' });
    expect(normaliseOAuthToken('sk-ant-api03-abcdefghijklmnop')).toEqual({
      ok: false,
      reason: 'api-key',
    });
    expect(normaliseOAuthToken('sk-ant-oat01-abc$def')).toEqual({
      ok: false,
      reason: 'not-a-token',
    });
  });
});

describe('maskSecret', () => {
  it('keeps the kind and the last four characters only', () => {
    expect(maskSecret(TOKEN)).toBe('sk-ant-oat01-…Zz9Q');
    expect(maskSecret('sk-ant-api03-0123456789abcdef')).toBe('sk-ant-api03-…cdef');
    expect(maskSecret('short')).toBe('sho…');
    expect(maskSecret(TOKEN)).not.toContain(TOKEN.slice(13, 30));
  });
});

describe('stripAnsi', () => {
  it('removes CSI, OSC and short escapes', () => {
    expect(stripAnsi('\x1b[1;31mred\x1b[0m \x1b]0;title\x07x\x1b=y')).toBe('red xy');
  });
});

describe('TokenRedactor', () => {
  function redactInChunks(text: string, size: number): string {
    const r = new TokenRedactor();
    let out = '';
    for (let i = 0; i < text.length; i += size) out += r.push(text.slice(i, i + size));
    return out + r.flush();
  }

  it('hides the token however the output is chunked, and keeps the rest', () => {
    for (const size of [1, 2, 3, 7, 64, 10_000]) {
      const out = redactInChunks(SETUP_OUTPUT, size);
      expect(out, `chunk size ${size}`).not.toMatch(/sk-ant-oat01/);
      expect(out).not.toContain(TOKEN.slice(-20));
      expect(out).toContain(TokenRedactor.MARK);
      expect(out).toContain('Store this token securely.');
      expect(out).toContain('Your OAuth token (valid for 1 year):');
    }
  });

  it('hides every line of a wrapped token', () => {
    const text = `Token:\r\n${wrap(TOKEN, 40)}\r\n\r\nStore this token securely.\r\n`;
    for (const size of [1, 5, 1000]) {
      const out = redactInChunks(text, size);
      for (const piece of wrap(TOKEN, 40).split('\r\n')) expect(out).not.toContain(piece);
      expect(out).toBe(`Token:\r\n${TokenRedactor.MARK}\r\n\r\nStore this token securely.\r\n`);
    }
  });

  it('hides a wrapped token whose lines are coloured, wherever a chunk splits an escape', () => {
    // A chunk ending in `ESC [ 1` is a whole sequence to ansi-regex; the terminal got
    // `ESC [ 1 ; 3 3 m`. Taking the first for the escape would end the wrap at `;`.
    const lines = wrap(TOKEN, 40)
      .split('\r\n')
      .map((line) => `\x1b[1;33m${line}\x1b[0m`);
    const text = `Token:\r\n${lines.join('\r\n')}\r\n\r\nStore this token securely.\r\n`;
    for (let size = 1; size <= 12; size++) {
      const out = redactInChunks(text, size);
      for (const piece of wrap(TOKEN, 40).split('\r\n')) {
        expect(out, `chunk size ${size}`).not.toContain(piece);
      }
      expect(out).toContain('Store this token securely.');
    }
  });

  it('passes ordinary text through unchanged, including near-misses', () => {
    const text = 'status: sk is ok; sk-an is not a token; ask-ant? skis\n';
    expect(redactInChunks(text, 1)).toBe(text);
    expect(redactInChunks(text, 100)).toBe(text);
    expect(redactInChunks('ends with s', 3)).toBe('ends with s');
  });

  it('keeps a trailing token tail hidden at the end of the stream', () => {
    const out = redactInChunks(`x ${wrap(TOKEN, 40)}`, 4);
    expect(out).toBe(`x ${TokenRedactor.MARK}\r\n`);
  });
});
