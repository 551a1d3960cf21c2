// `npm run bench [-- figure…]`: Clave's performance figures, each against a baseline measured in
// the same run (or an absolute target), on the simulated VM host and Debian's Chromium. Prints
// the machine, the timing profile and the rounds, a table, and the path of a JSON file with every
// sample. BENCH_ROUNDS sets the rounds; naming figures runs only those.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Browser } from 'playwright-core';
import { FIGURES } from './figures';
import type { BenchContext, Row } from './lib/figure';
import { buildRenderer, launchBrowser } from './lib/browser';
import { hostProfileArgs } from './lib/cpu-profile';
import { startHarnessProcess, type HarnessProcess } from './lib/harness-process';
import { describeMachine } from './lib/machine';
import { closeOpenWorlds } from './lib/worlds';
import { judge, table, writeJson } from './lib/report';

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
if (!Number.isInteger(rounds) || rounds < 1) {
  process.stderr.write(
    `BENCH_ROUNDS must be a whole number ≥ 1, got '${process.env.BENCH_ROUNDS}'\n`,
  );
  process.exit(64);
}
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !FIGURES.some((f) => f.name === w));
if (unknown.length) {
  process.stderr.write(
    `Unknown figure ${unknown.join(', ')}. Figures:\n${FIGURES.map((f) => `  ${f.name.padEnd(14)} ${f.summary}`).join('\n')}\n`,
  );
  process.exit(64);
}
const figures = wanted.length ? FIGURES.filter((f) => wanted.includes(f.name)) : FIGURES;

// The simulated host's timing profile: Mac-like unless the caller chose (the sim reads it).
process.env.CLAVE_SIM_PROFILE ??= 'mac';
const profile = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => /^(CLAVE_SIM_|TART_SIM_.*_MS$|BENCH_)/.test(k)),
) as Record<string, string>;

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const machine = describeMachine();
process.stdout.write(
  [
    `machine  ${machine.cores} cores (${machine.cpu}), ${machine.memoryGb} GB, load ${machine.loadAverage.join(' ')}, ${machine.platform}`,
    `         Node ${machine.node}, ${machine.chromium}, ${machine.compositing === 'gpu' ? 'GPU compositing (SwiftShader)' : 'software compositing'} (BENCH_COMPOSITING)`,
    `profile  ${Object.entries(profile)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
    `rounds   ${rounds} (medians; BENCH_ROUNDS)`,
    `figures  ${figures.map((f) => f.name).join(', ')}`,
    `bounded  at most ${figures.reduce((ms, f) => ms + f.budgetMs, 0) / 60_000} min (each figure's own time limit: ${figures.map((f) => `${f.name} ${f.budgetMs / 60_000}`).join(', ')} min)`,
    '',
  ].join('\n') + '\n',
);

let harness: Promise<HarnessProcess> | undefined;
let browser: Promise<Browser> | undefined;
let rendererBuilt = false;
// The harness serves the built renderer and the browser's pages load it: built once, first.
const withRenderer = () => {
  if (rendererBuilt) return;
  log('building the renderer');
  buildRenderer();
  rendererBuilt = true;
};
const ctx: BenchContext = {
  rounds,
  log,
  harness: () =>
    (harness ??= (async () => {
      withRenderer();
      return startHarnessProcess({ bootDelayMs: 150, log, nodeArgs: hostProfileArgs() });
    })()),
  browser: () =>
    (browser ??= (async () => {
      withRenderer();
      return launchBrowser();
    })()),
};

// Ctrl-C: exit through 'exit' handlers, which stop the harness (and with it every VM).
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    log(`${signal}: stopping`);
    process.exit(130);
  });

const began = performance.now();
const rows: Row[] = [];
const errors: { figure: string; error: string }[] = [];
try {
  for (const f of figures) {
    log(`${f.name}: ${f.summary}`);
    let timer: NodeJS.Timeout | undefined;
    try {
      const budget = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`over its budget of ${f.budgetMs / 1000} s`)),
          f.budgetMs,
        );
      });
      rows.push(...(await Promise.race([f.run(ctx), budget])));
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      log(`${f.name} failed: ${error}`);
      errors.push({ figure: f.name, error });
    } finally {
      clearTimeout(timer);
    }
  }
} finally {
  await (await browser?.catch(() => undefined))?.close();
  await (await harness?.catch(() => undefined))?.stop();
  const left = await closeOpenWorlds();
  if (left) log(`removed ${left} simulated host(s) a figure cut off by its budget left running`);
}

const outcomes = rows.map(judge);
process.stdout.write(`\n${table(outcomes)}\n`);
for (const e of errors) process.stdout.write(`  ${e.figure}: FAILED — ${e.error}\n`);
const tookMin = Math.round((performance.now() - began) / 6_000) / 10;
const loadAfter = os.loadavg().map((l) => Math.round(l * 100) / 100);
const file = writeJson({
  machine,
  tookMin,
  loadAfter,
  profile,
  rounds,
  figures: figures.map((f) => f.name),
  outcomes,
  errors,
});
process.stdout.write(
  `\nresults: ${file}\ntook ${tookMin} min; load at the end ${loadAfter.join(' ')}\n`,
);
process.exit(errors.length || outcomes.some((o) => o.pass === false) ? 1 : 0);
