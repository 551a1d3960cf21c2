// A small re-implementation of the parts of swift-argument-parser (1.6) that Tart's CLI surface
// exposes: long/short options anywhere on the line, `--opt=value`, `--`, repeatable options,
// `--flag`/`--no-flag` inversions, and the exact error texts and exit code 64 (EX_USAGE) that
// argument parsing and ValidationError produce, including the `Help:` and `Usage:` lines.

export interface PositionalDef {
  kind: 'positional';
  key: string;
  valueName: string;
  help: string;
  optional?: boolean;
  repeating?: boolean;
}

export interface OptionDef {
  kind: 'option' | 'flag';
  key: string;
  long: string;
  short?: string;
  valueName?: string;
  help: string;
  repeating?: boolean;
  /** Converts the raw text; return undefined when the value is invalid. */
  parse?: (raw: string) => unknown;
  /** Enumerated values (for the "Please provide one of" suffix). */
  allValues?: readonly string[];
  /** A `--no-<long>` inversion exists (Bool? flags with `.prefixedNo`). */
  inversion?: boolean;
  hidden?: boolean;
}

export type ArgDef = PositionalDef | OptionDef;

export interface CommandDef {
  name: string;
  abstract: string;
  defs: ArgDef[];
}

export type Parsed = Record<string, unknown>;

/** An argument-parser or ValidationError: printed with usage, exit 64. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly help = '',
  ) {
    super(message);
  }
}

/** ValidationError thrown by a command's validate()/run(): same output as parse errors. */
export class ValidationError extends UsageError {}

export class HelpRequested extends Error {}

export const uint = (max: number) => (raw: string) => {
  if (!/^\+?\d+$/.test(raw)) return undefined;
  const n = Number(raw.replace(/^\+/, ''));
  return Number.isSafeInteger(n) && n <= max ? n : undefined;
};
export const UINT16 = uint(65535);
export const UINT64 = uint(Number.MAX_SAFE_INTEGER);
export const enumOf =
  (values: readonly string[]) =>
  (raw: string): string | undefined =>
    values.includes(raw) ? raw : undefined;

function synopsisName(def: OptionDef): string {
  return `--${def.long}`;
}

function unadorned(def: ArgDef): string {
  if (def.kind === 'positional') return `<${def.valueName}>`;
  if (def.kind === 'flag') return def.inversion ? `--[no-]${def.long}` : synopsisName(def);
  return `${synopsisName(def)} <${def.valueName ?? def.long}>`;
}

function synopsisOf(def: ArgDef): string {
  let s = unadorned(def);
  if (def.repeating) s += ' ...';
  const optional = def.kind === 'positional' ? def.optional : true;
  if (optional) s = `[${s}]`;
  return s;
}

/** HelpGenerator.usageMessage(): more than 12 arguments collapse to `[<options>]`. */
export function usageLine(cmd: CommandDef): string {
  const visible = cmd.defs.filter((d) => d.kind === 'positional' || !d.hidden);
  const tool = `tart ${cmd.name}`;
  if (visible.length === 0) return `Usage: ${tool}`;
  if (visible.length > 12) {
    const kept = visible.filter((d) => d.kind === 'positional' && !d.optional);
    if (kept.length > 0 && kept.length <= 12) {
      return `Usage: ${tool} [<options>] ${kept.map(synopsisOf).join(' ')}`;
    }
    return `Usage: ${tool} <options>`;
  }
  return `Usage: ${tool} ${visible.map(synopsisOf).join(' ')}`;
}

/** The text swift-argument-parser prints on stderr for a UsageError (without trailing newline). */
export function formatUsageError(cmd: CommandDef | undefined, err: UsageError): string {
  const usage = cmd
    ? `${usageLine(cmd)}\n  See 'tart ${cmd.name} --help' for more information.`
    : `Usage: tart <subcommand>\n  See 'tart --help' for more information.`;
  const help = err.help ? `Help:  ${err.help}\n` : '';
  return `Error: ${err.message}\n${help}${usage}`;
}

function editDistance(a: string, b: string): number {
  const dp: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0] ?? 0;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j] ?? 0;
      dp[j] = Math.min(
        (dp[j] ?? 0) + 1,
        (dp[j - 1] ?? 0) + 1,
        prev + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      prev = tmp;
    }
  }
  return dp[b.length] ?? 0;
}

function unknownOption(cmd: CommandDef, token: string): UsageError {
  if (!token.startsWith('--')) return new UsageError(`Unknown option '${token}'`);
  let best: string | undefined;
  let bestD = Infinity;
  for (const d of cmd.defs) {
    if (d.kind === 'positional') continue;
    const names = [`--${d.long}`, ...(d.inversion ? [`--no-${d.long}`] : [])];
    for (const n of names) {
      const dist = editDistance(n, token);
      if (dist < 4 && dist < bestD) {
        best = n;
        bestD = dist;
      }
    }
  }
  return new UsageError(
    best ? `Unknown option '${token}'. Did you mean '${best}'?` : `Unknown option '${token}'`,
  );
}

function optionHelp(def: OptionDef): string {
  return `--${def.long} <${def.valueName ?? def.long}>  ${def.help}`;
}

function invalidValue(def: ArgDef, raw: string): UsageError {
  const suffix =
    def.kind !== 'positional' && def.allValues
      ? `. Please provide one of ${quoteList(def.allValues)}.`
      : '';
  if (def.kind === 'positional') {
    return new UsageError(
      `The value '${raw}' is invalid for '<${def.valueName}>'${suffix}`,
      `<${def.valueName}>  ${def.help}`,
    );
  }
  return new UsageError(
    `The value '${raw}' is invalid for '--${def.long} <${def.valueName ?? def.long}>'${suffix}`,
    optionHelp(def),
  );
}

function quoteList(values: readonly string[]): string {
  const q = values.map((v) => `'${v}'`);
  if (q.length <= 2) return q.join(' and ');
  return `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}`;
}

/** Parse argv (after the subcommand name) against a command definition. */
export function parseCommand(cmd: CommandDef, argv: readonly string[]): Parsed {
  const out: Parsed = {};
  const positionals: string[] = [];
  const byLong = new Map<string, OptionDef>();
  const byShort = new Map<string, OptionDef>();
  for (const d of cmd.defs) {
    if (d.kind === 'positional') continue;
    byLong.set(d.long, d);
    if (d.short) byShort.set(d.short, d);
    if (d.repeating) out[d.key] = [];
    else if (d.kind === 'flag' && !d.inversion) out[d.key] = false;
  }

  const setValue = (def: OptionDef, raw: string) => {
    const value = def.parse ? def.parse(raw) : raw;
    if (value === undefined) throw invalidValue(def, raw);
    if (def.repeating) (out[def.key] as unknown[]).push(value);
    else out[def.key] = value;
  };

  let terminated = false;
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i] ?? '';
    if (terminated || tok === '-' || !tok.startsWith('-')) {
      positionals.push(tok);
      continue;
    }
    if (tok === '--') {
      terminated = true;
      continue;
    }
    if (tok === '--help' || tok === '-h') throw new HelpRequested();
    let def: OptionDef | undefined;
    let inline: string | undefined;
    let inverted = false;
    if (tok.startsWith('--')) {
      const eq = tok.indexOf('=');
      const name = eq >= 0 ? tok.slice(2, eq) : tok.slice(2);
      inline = eq >= 0 ? tok.slice(eq + 1) : undefined;
      def = byLong.get(name);
      if (!def && name.startsWith('no-')) {
        const base = byLong.get(name.slice(3));
        if (base?.inversion) {
          def = base;
          inverted = true;
        }
      }
      if (!def) throw unknownOption(cmd, eq >= 0 ? tok.slice(0, eq) : tok);
    } else {
      def = byShort.get(tok.slice(1));
      if (!def) throw unknownOption(cmd, tok);
    }
    if (def.kind === 'flag') {
      if (inline !== undefined) {
        throw new UsageError(
          `The option '${tok.slice(0, tok.indexOf('='))}' does not take any value, but '${inline}' was specified.`,
        );
      }
      out[def.key] = !inverted;
      continue;
    }
    if (inline !== undefined) {
      setValue(def, inline);
      continue;
    }
    const next = argv[i + 1];
    if (next === undefined || (next.startsWith('-') && next !== '-')) {
      throw new UsageError(
        `Missing value for '${tok.startsWith('--') ? tok : '-' + def.short} <${def.valueName ?? def.long}>'`,
        optionHelp(def),
      );
    }
    i++;
    setValue(def, next);
  }

  const posDefs = cmd.defs.filter((d): d is PositionalDef => d.kind === 'positional');
  let p = 0;
  for (const d of posDefs) {
    if (d.repeating) {
      const rest = positionals.slice(p);
      p = positionals.length;
      if (rest.length === 0 && !d.optional) {
        throw new UsageError(
          `Missing expected argument '<${d.valueName}> ...'`,
          `<${d.valueName}>  ${d.help}`,
        );
      }
      out[d.key] = rest;
      continue;
    }
    const v = positionals[p];
    if (v === undefined) {
      if (d.optional) continue;
      throw new UsageError(
        `Missing expected argument '<${d.valueName}>'`,
        `<${d.valueName}>  ${d.help}`,
      );
    }
    out[d.key] = v;
    p++;
  }
  const extra = positionals.slice(p);
  if (extra.length === 1) throw new UsageError(`Unexpected argument '${extra[0]}'`);
  if (extra.length > 1) {
    throw new UsageError(`${extra.length} unexpected arguments: '${extra.join("', '")}'`);
  }
  return out;
}

/** A plain `--help` text (the real one is longer; nothing should parse it). */
export function helpText(cmd: CommandDef): string {
  const lines = [`OVERVIEW: ${cmd.abstract}`, '', usageLine(cmd).replace('Usage: ', 'USAGE: '), ''];
  const args = cmd.defs.filter((d) => d.kind === 'positional');
  if (args.length) {
    lines.push('ARGUMENTS:');
    for (const a of args) lines.push(`  <${a.valueName}>`.padEnd(26) + a.help);
    lines.push('');
  }
  lines.push('OPTIONS:');
  for (const d of cmd.defs) {
    if (d.kind === 'positional' || d.hidden) continue;
    const name =
      (d.short ? `-${d.short}, ` : '') +
      `--${d.inversion ? `[no-]${d.long}` : d.long}` +
      (d.kind === 'option' ? ` <${d.valueName ?? d.long}>` : '');
    lines.push(`  ${name}`.padEnd(26) + d.help);
  }
  lines.push('  -h, --help'.padEnd(26) + 'Show help information.');
  return lines.join('\n');
}
