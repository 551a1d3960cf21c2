// The fault matrix: Clave's reliability guarantees as a table (rows.ts), run on one simulated
// host, with one summary line — cases, passed, work lost, leftovers, user items touched — counted
// from what each row left behind, never assumed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from './rows';
import { Matrix, type RowCheck } from './world';

let matrix: Matrix;
const tally = { cases: 0, passed: 0, workLost: 0, leftovers: 0, userItemsTouched: 0 };

beforeAll(async () => {
  matrix = await Matrix.create();
}, 180_000);

afterAll(async () => {
  await matrix?.cleanup();
  process.stdout.write(
    `fault matrix: ${tally.cases} cases, ${tally.passed} passed, ${tally.workLost} work lost, ` +
      `${tally.leftovers} leftovers, ${tally.userItemsTouched} user items touched\n`,
  );
}, 120_000);

describe('fault matrix', () => {
  for (const row of rows) {
    // No retry: a row that fails once is a failed guarantee, and retries would count it twice.
    it(`${row.family} — ${row.name}`, { retry: 0, timeout: 120_000 }, async () => {
      tally.cases++;
      let failure: unknown = null;
      let outcome = {};
      try {
        outcome = (await row.run(matrix)) ?? {};
      } catch (e) {
        failure = e;
      }
      const check: RowCheck = await matrix.check(outcome);
      tally.workLost += check.workLost.length;
      tally.leftovers += check.leftovers.length;
      tally.userItemsTouched += check.userItemsTouched.length;
      if (failure) throw failure;
      expect(check).toEqual({ workLost: [], leftovers: [], userItemsTouched: [] });
      tally.passed++;
    });
  }
});
