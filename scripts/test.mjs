// `npm test`: every layer CI runs, in order, each reported with its pass/fail count.
// All layers run even when one fails, so one CI run shows everything that is broken.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';

const out = 'test-results';
mkdirSync(out, { recursive: true });
const only = process.argv.slice(2);

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status === 0;
}

// The first line of a failure's message, so the summary (the part of a CI log always kept) says
// what broke without scrolling back through every layer's output.
const firstLine = (text) =>
  String(text ?? '')
    .split('\n')
    .find((l) => l.trim()) ?? '';

function vitestReport(file) {
  try {
    const j = JSON.parse(readFileSync(file, 'utf8'));
    const failures = j.testResults.flatMap((f) => {
      const tests = f.assertionResults
        .filter((t) => t.status === 'failed')
        .map(
          (t) =>
            `${f.name.replace(`${process.cwd()}/`, '')} › ${t.fullName}: ${firstLine(t.failureMessages?.[0])}`,
        );
      // A file that fails to load has no failed test, only its own message.
      return tests.length || f.status !== 'failed' ? tests : [`${f.name}: ${firstLine(f.message)}`];
    });
    return {
      counts: {
        passed: j.numPassedTests,
        failed: j.numFailedTests,
        skipped: j.numPendingTests + j.numTodoTests,
      },
      failures,
    };
  } catch {
    return {};
  }
}

function vitestLayer(projects, file) {
  rmSync(file, { force: true });
  const ok = run('npx', [
    'vitest',
    'run',
    ...projects.flatMap((p) => ['--project', p]),
    '--passWithNoTests',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${file}`,
  ]);
  return { ok, ...vitestReport(file) };
}

// Failed tests, and flaky ones (failed, then passed on CI's retry) marked as such: a retry that
// saved the run is still news.
function playwrightFailures(suites = [], title = []) {
  return suites.flatMap((suite) => [
    ...playwrightFailures(suite.suites, [...title, suite.title]),
    ...(suite.specs ?? []).flatMap((spec) =>
      spec.tests
        .filter((t) => t.status === 'unexpected' || t.status === 'flaky')
        .map((t) => {
          const failed = t.results.find((r) => r.status !== 'passed' && r.status !== 'skipped');
          const error = failed?.error?.message ?? failed?.errors?.[0]?.message;
          const name = [...title, suite.title, spec.title].filter(Boolean).join(' › ');
          return `${t.status === 'flaky' ? '(flaky) ' : ''}${name}: ${firstLine(error)}`;
        }),
    ),
  ]);
}

const layers = {
  typecheck: () => ({ ok: run('npx', ['tsc', '-b']) }),
  lint: () => ({
    ok:
      run('npx', ['eslint', '--max-warnings=0', '.']) &&
      run('npx', ['prettier', '--check', '--log-level=warn', '.']),
  }),
  unit: () => vitestLayer(['unit', 'unit-renderer'], `${out}/unit.json`),
  integration: () => vitestLayer(['integration', 'integration-alone'], `${out}/integration.json`),
  e2e: () => {
    const file = `${out}/e2e.json`;
    rmSync(file, { force: true });
    if (!run('npx', ['vite', 'build', '--logLevel', 'warn'])) return { ok: false };
    const ok = run('npx', ['playwright', 'test', '--reporter=list,json'], {
      PLAYWRIGHT_JSON_OUTPUT_NAME: file,
    });
    try {
      const report = JSON.parse(readFileSync(file, 'utf8'));
      const s = report.stats;
      return {
        ok,
        counts: { passed: s.expected + s.flaky, failed: s.unexpected, skipped: s.skipped },
        failures: playwrightFailures(report.suites),
      };
    } catch {
      return { ok };
    }
  },
};

const results = [];
for (const [name, layer] of Object.entries(layers)) {
  if (only.length && !only.includes(name)) continue;
  console.log(`\n━━ ${name} ━━`);
  const started = Date.now();
  const { ok, counts, failures = [] } = layer();
  results.push({ name, ok, counts, failures, seconds: (Date.now() - started) / 1000 });
}

console.log('\n━━ summary ━━');
let passed = 0;
let failed = 0;
for (const { name, ok, counts, failures, seconds } of results) {
  if (counts) {
    passed += counts.passed;
    failed += counts.failed;
    // A runner that exits non-zero with no failing test (e.g. a crash) still counts as a failure.
    if (!ok && counts.failed === 0) failed += 1;
    const skipped = counts.skipped ? `, ${counts.skipped} skipped` : '';
    console.log(
      `${name}: ${counts.passed} passed, ${counts.failed} failed${skipped} (${seconds.toFixed(1)} s)${ok ? '' : ' — FAILED'}`,
    );
  } else {
    if (!ok) failed += 1;
    console.log(`${name}: ${ok ? 'ok' : 'FAILED'} (${seconds.toFixed(1)} s)`);
  }
  for (const failure of failures) console.log(`  ✗ ${failure.slice(0, 400)}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
