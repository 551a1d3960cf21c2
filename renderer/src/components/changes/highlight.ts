// Syntax highlighting for the diff view: Prism grammars through refractor (no eval, so the
// window's CSP holds), only for the languages a Laravel project is made of, picked by file name.
import { refractor } from 'refractor/core';
import bash from 'refractor/bash';
import css from 'refractor/css';
import docker from 'refractor/docker';
import ini from 'refractor/ini';
import javascript from 'refractor/javascript';
import json from 'refractor/json';
import jsx from 'refractor/jsx';
import markdown from 'refractor/markdown';
import markup from 'refractor/markup';
import php from 'refractor/php';
import scss from 'refractor/scss';
import sql from 'refractor/sql';
import tsx from 'refractor/tsx';
import typescript from 'refractor/typescript';
import yaml from 'refractor/yaml';
import type { TokenizeOptions } from 'react-diff-view';

for (const lang of [
  bash,
  css,
  docker,
  ini,
  javascript,
  json,
  jsx,
  markdown,
  markup,
  php,
  scss,
  sql,
  tsx,
  typescript,
  yaml,
]) {
  refractor.register(lang);
}

const BY_EXTENSION: Record<string, string> = {
  php: 'php',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'jsx',
  ts: 'typescript',
  mts: 'typescript',
  tsx: 'tsx',
  vue: 'markup',
  html: 'markup',
  xml: 'markup',
  svg: 'markup',
  css: 'css',
  scss: 'scss',
  json: 'json',
  lock: 'json',
  yml: 'yaml',
  yaml: 'yaml',
  sh: 'bash',
  bash: 'bash',
  md: 'markdown',
  sql: 'sql',
  ini: 'ini',
  env: 'ini',
};

/** The grammar for a file, or null when none fits (the diff is shown plain). */
export function languageOf(filePath: string): string | null {
  const name = filePath.slice(filePath.lastIndexOf('/') + 1).toLowerCase();
  if (name === 'dockerfile') return 'docker';
  if (name === '.env' || name.startsWith('.env.')) return 'ini';
  const dot = name.lastIndexOf('.');
  if (dot < 0) return null;
  return BY_EXTENSION[name.slice(dot + 1)] ?? null;
}

/**
 * react-diff-view's tokenizer speaks refractor 3 (`highlight` returns the nodes); refractor 5,
 * the maintained one, returns a root holding them.
 */
const adapter = {
  highlight: (text: string, language: string) => refractor.highlight(text, language).children,
};

export function highlightOptions(filePath: string): TokenizeOptions | null {
  const language = languageOf(filePath);
  if (!language) return null;
  return { highlight: true, refractor: adapter as never, language };
}
