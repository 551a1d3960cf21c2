// The table a run prints and the JSON file it leaves (bench/results/, not committed).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Row, Target } from './figure';
import type { Machine } from './machine';
import { REPO_DIR } from './repo';

export interface Outcome extends Row {
  ratio: number | null;
  pass: boolean | null;
}

export function judge(row: Row): Outcome {
  const ratio = row.baseline ? row.ours / row.baseline.value : null;
  const t = row.target;
  let pass: boolean | null = null;
  if (t) {
    const x = t.on === 'ratio' ? ratio : row.ours;
    pass = x !== null && Number.isFinite(x) && (t.op === '<=' ? x <= t.limit : x >= t.limit);
  }
  return { ...row, ratio, pass };
}

const num = (x: number) =>
  Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2);
const targetText = (t: Target | undefined, unit: string) =>
  !t
    ? ''
    : `${t.on === 'ratio' ? 'ratio' : 'value'} ${t.op} ${t.limit}${t.on === 'value' ? ` ${unit}` : '×'}`;

export function table(outcomes: Outcome[]): string {
  const head = ['figure', 'baseline', 'ours', 'ratio', 'target', 'result'];
  const rows = outcomes.map((o) => [
    o.figure,
    o.baseline ? `${num(o.baseline.value)} ${o.unit} (${o.baseline.label})` : '–',
    `${num(o.ours)} ${o.unit}`,
    o.ratio === null ? '–' : `${o.ratio.toFixed(2)}×`,
    targetText(o.target, o.unit),
    o.pass === null ? '' : o.pass ? 'pass' : 'FAIL',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const notes = outcomes.filter((o) => o.note).map((o) => `  ${o.figure}: ${o.note}`);
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), '', ...notes].join(
    '\n',
  );
}

export function writeJson(run: {
  machine: Machine;
  /** How long the run took, and the load average when it ended (the machine's is at the start). */
  tookMin: number;
  loadAfter: number[];
  profile: Record<string, string>;
  rounds: number;
  figures: string[];
  outcomes: Outcome[];
  errors: { figure: string; error: string }[];
}): string {
  const dir = path.join(REPO_DIR, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), ...run }, null, 2) + '\n');
  return file;
}
