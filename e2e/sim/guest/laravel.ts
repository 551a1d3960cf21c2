// What the guest stand-ins (php, composer, the web server) know about a Laravel project:
// reading and patching .env, and a tiny "PHP" that only understands echo of literals.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

export const PHP_VERSION = '8.4.14';
export const LARAVEL_VERSION = '12.39.0';

export function parseEnv(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let v = (m[2] ?? '').trim();
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) {
      v = v.slice(1, -1);
    } else {
      v = v.replace(/\s+#.*$/, '');
    }
    out.set(m[1] ?? '', v);
  }
  return out;
}

export function readEnv(projectDir: string): Map<string, string> | undefined {
  try {
    return parseEnv(readFileSync(`${projectDir}/.env`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Sets KEY=value in .env text: replaces the line (also a commented-out one) or appends. */
export function setEnvValue(text: string, key: string, value: string): string {
  const re = new RegExp(`^\\s*#?\\s*${key}\\s*=.*$`, 'm');
  if (re.test(text)) return text.replace(re, `${key}=${value}`);
  return text + (text.endsWith('\n') || text === '' ? '' : '\n') + `${key}=${value}\n`;
}

/** A "PHP interpreter" for fixtures: text outside <?php ?> plus `echo` of string literals. */
export function renderPhp(source: string, server: Record<string, string> = {}): string {
  let out = '';
  let rest = source;
  for (;;) {
    const open = rest.indexOf('<?php');
    const short = rest.indexOf('<?=');
    const start = open < 0 ? short : short < 0 ? open : Math.min(open, short);
    if (start < 0) {
      out += rest;
      break;
    }
    out += rest.slice(0, start);
    const isShort = start === short;
    rest = rest.slice(start + (isShort ? 3 : 5));
    const close = rest.indexOf('?>');
    const code = close < 0 ? rest : rest.slice(0, close);
    rest = close < 0 ? '' : rest.slice(close + 2).replace(/^\n/, '');
    out += evalPhp(isShort ? `echo ${code};` : code, server);
  }
  return out;
}

function evalExpr(expr: string, server: Record<string, string>): string {
  return expr
    .split(/\s*\.\s*(?=(?:[^'"]*['"][^'"]*['"])*[^'"]*$)/)
    .map((part) => {
      const p = part.trim();
      const lit = /^'((?:[^'\\]|\\.)*)'$|^"((?:[^"\\]|\\.)*)"$/.exec(p);
      if (lit) return (lit[1] ?? lit[2] ?? '').replace(/\\n/g, '\n').replace(/\\(.)/g, '$1');
      if (p === 'gethostname()') return hostname();
      if (p === 'PHP_VERSION' || p === 'phpversion()') return PHP_VERSION;
      if (p === 'PHP_EOL') return '\n';
      const sv = /^\$_SERVER\[['"]([A-Z_]+)['"]\]$/.exec(p);
      if (sv) return server[sv[1] ?? ''] ?? '';
      const ge = /^getenv\(['"]([A-Za-z_]+)['"]\)$/.exec(p);
      if (ge) return process.env[ge[1] ?? ''] ?? '';
      return '';
    })
    .join('');
}

function evalPhp(code: string, server: Record<string, string>): string {
  let out = '';
  const re = /\becho\s+((?:[^;'"]|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")+);/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(code))) out += evalExpr(m[1] ?? '', server);
  return out;
}
