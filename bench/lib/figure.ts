// What a figure is and what it reports. A row compares Clave ("ours") with a baseline measured in
// the same run, or holds a plain value against an absolute target (latency, memory).
import type { Browser } from 'playwright-core';
import type { HarnessProcess } from './harness-process';

export interface Target {
  /** What the target bounds: ours / baseline, or ours itself. */
  on: 'ratio' | 'value';
  op: '<=' | '>=';
  limit: number;
}

export interface Row {
  figure: string;
  unit: string;
  baseline?: { label: string; value: number };
  ours: number;
  target?: Target;
  /** Extra facts for the reader (spread, peaks, what was measured). */
  note?: string;
  /** Every round's raw numbers, for the JSON file. */
  samples?: Record<string, number[]>;
}

export interface BenchContext {
  rounds: number;
  log(line: string): void;
  /** The web harness (session host on the simulated VM host) as its own process, started once. */
  harness(): Promise<HarnessProcess>;
  /** Debian's Chromium, started once (with the built renderer ready). */
  browser(): Promise<Browser>;
}

export interface Figure {
  name: string;
  /** One line: what it measures. */
  summary: string;
  /** The whole figure is cut off after this long (a stuck run must not hang the suite). */
  budgetMs: number;
  run(ctx: BenchContext): Promise<Row[]>;
}
