/**
 * Claude credentials as text: recognising, extracting and hiding them. Pure functions; used by
 * the auth adapter on `claude setup-token` output and on pasted tokens.
 *
 * `claude setup-token` prints a long-lived OAuth token `sk-ant-oat01-…` (about 100 characters)
 * into a terminal; a TUI may wrap it onto several lines and decorate it with ANSI escapes.
 */

import stripAnsi from 'strip-ansi';

const TOKEN_CHAR = /[A-Za-z0-9_-]/;
const PREFIX = 'sk-ant-';
/** Terminals narrower than this are not worth handling; shorter token lines are not wraps. */
const MIN_WRAP_WIDTH = 40;

// Whole texts are cleaned with strip-ansi. The streaming redactor must also tell a complete
// escape from the start of one cut by a chunk, which ansi-regex cannot (`ESC [ 1` is a whole
// sequence to it, so `ESC [ 1 ; 3 3 m` split after the 1 would end a wrapped token at `;`), so it
// matches in place by the ECMA-48 grammar: CSI (ESC [ params intermediates final), OSC
// (ESC ] … BEL/ST), and two-byte escapes (ESC 0x30–0x5F but [ and ]).
// eslint-disable-next-line no-control-regex
const ANSI_AT = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[0-Z\\^_]/y;

/**
 * The last token in terminal output, joined across hard line wraps: lines right after the token
 * that consist only of token characters are treated as its continuation.
 */
export function extractToken(output: string): string | null {
  const lines = stripAnsi(output)
    // A PTY turns \n into \r\n, so "\r\n" from a program arrives as "\r\r\n".
    .replace(/\r+\n/g, '\n')
    .replace(/\r/g, '\n')
    .split('\n')
    .map((line) => line.trim());
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] ?? '';
    const at = line.lastIndexOf(PREFIX);
    if (at < 0) continue;
    const match = /^sk-ant-[A-Za-z0-9_-]+/.exec(line.slice(at));
    if (match === null) continue;
    let token = match[0];
    // Continuation only if the token filled its line to the end (a wrap, not a sentence).
    if (at + token.length === line.length && line.length >= MIN_WRAP_WIDTH) {
      for (let j = i + 1; j < lines.length; j++) {
        const next = lines[j] ?? '';
        if (!/^[A-Za-z0-9_-]+$/.test(next)) break;
        token += next;
      }
    }
    return token;
  }
  return null;
}

export type TokenCheck =
  { ok: true; token: string } | { ok: false; reason: 'empty' | 'not-a-token' | 'api-key' };

/** Normalise a pasted OAuth token: whitespace from line wrapping removed, prefix checked. */
export function normaliseOAuthToken(raw: string): TokenCheck {
  const token = raw.replace(/\s+/g, '');
  if (token === '') return { ok: false, reason: 'empty' };
  if (token.startsWith('sk-ant-api')) return { ok: false, reason: 'api-key' };
  if (!/^sk-ant-[A-Za-z0-9_-]{10,}$/.test(token)) return { ok: false, reason: 'not-a-token' };
  return { ok: true, token };
}

/** `sk-ant-oat01-…WXYZ`: enough to recognise a credential, useless to anyone reading it. */
export function maskSecret(secret: string): string {
  const dash = secret.startsWith(PREFIX) ? secret.indexOf('-', PREFIX.length) : -1;
  const head = dash > 0 ? secret.slice(0, dash + 1) : secret.slice(0, 3);
  return secret.length <= head.length + 8 ? `${head}…` : `${head}…${secret.slice(-4)}`;
}

/**
 * Streaming redaction for terminal output shown to the user or kept anywhere: every `sk-ant-…`
 * token, including wrapped continuation lines, becomes `sk-ant-…(hidden)`. Text that could be
 * the start of a token is held back until it is decided, so a token split across chunks never
 * leaks.
 */
export class TokenRedactor {
  private pending = '';
  /** 'text': normal; 'token': inside a token's first line; 'wrap': after a line break in a token. */
  private state: 'text' | 'token' | 'wrap' = 'text';
  /** Line breaks after the token, re-emitted if the token turns out to have ended. */
  private breaks = '';
  /** The line after a break, held until we know whether it continues the token. */
  private candidate = '';

  static readonly MARK = 'sk-ant-…(hidden)';

  push(chunk: string): string {
    this.pending += chunk;
    return this.drain(false);
  }

  /** Everything still held back (call when the stream ends). */
  flush(): string {
    return this.drain(true);
  }

  private drain(final: boolean): string {
    let out = '';
    let i = 0;
    const text = this.pending;
    while (i < text.length) {
      const ch = text[i] ?? '';
      if (this.state !== 'text' && ch === '\x1b') {
        const len = matchAnsiAt(text, i);
        if (len === null && !final) break; // incomplete escape: wait for more
        if (this.state === 'wrap') this.candidate += text.slice(i, i + (len ?? 1));
        i += len ?? 1;
        continue;
      }
      if (this.state === 'token') {
        if (TOKEN_CHAR.test(ch)) {
          i++;
        } else if (ch === '\r' || ch === '\n') {
          this.breaks = ch;
          this.state = 'wrap';
          i++;
        } else {
          this.state = 'text';
        }
        continue;
      }
      if (this.state === 'wrap') {
        if (TOKEN_CHAR.test(ch)) {
          this.candidate += ch;
          i++;
        } else if ((ch === '\r' || ch === '\n') && stripAnsi(this.candidate) !== '') {
          // A whole line of token characters: the token wrapped. Hide it and look further.
          this.candidate = '';
          this.breaks = ch;
          i++;
        } else if (ch === '\r' || (ch === '\n' && !this.breaks.includes('\n'))) {
          this.breaks += ch;
          i++;
        } else {
          // A blank line or ordinary text: the token had ended at the first break.
          out += this.breaks + this.candidate;
          this.breaks = '';
          this.candidate = '';
          this.state = 'text';
        }
        continue;
      }
      const at = text.indexOf('s', i);
      if (at < 0) {
        out += text.slice(i);
        i = text.length;
        break;
      }
      out += text.slice(i, at);
      const rest = text.slice(at, at + PREFIX.length);
      if (rest === PREFIX) {
        out += TokenRedactor.MARK;
        this.state = 'token';
        i = at + PREFIX.length;
        continue;
      }
      if (!final && PREFIX.startsWith(rest) && at + rest.length === text.length) {
        // Could be the start of a token split across chunks: hold it.
        i = at;
        break;
      }
      out += 's';
      i = at + 1;
    }
    this.pending = text.slice(i);
    if (final) {
      // A trailing line of token characters may be the token's tail: keep it hidden.
      const tailIsToken =
        this.state === 'wrap' && /^[A-Za-z0-9_-]+$/.test(stripAnsi(this.candidate));
      if (this.state === 'wrap') out += this.breaks + (tailIsToken ? '' : this.candidate);
      else if (this.state === 'text') out += this.pending;
      this.pending = '';
      this.breaks = '';
      this.candidate = '';
      this.state = 'text';
    }
    return out;
  }
}

function matchAnsiAt(text: string, index: number): number | null {
  ANSI_AT.lastIndex = index;
  const m = ANSI_AT.exec(text);
  return m === null ? null : m[0].length;
}
