// The fault matrix as data: each row names a guarantee and the fault that tests it. Families
// share one way of running (a table + a function, one file each in rows/); the runner
// (fault-matrix.int.test.ts) asks the same three questions after every row (work lost, leftovers,
// user items touched).
import { edgeRows, wireRows } from './rows/edges';
import type { Row } from './rows/helpers';
import { killRows } from './rows/kills';
import { secretRows, userRows } from './rows/ownership';
import { conflictRows, connectionRows, loadRows } from './rows/sessions';
import { runStepFailure, stepFailures } from './rows/steps';

export type { Row };

export const rows: Row[] = [
  ...stepFailures.map((f): Row => ({
    family: 'a failure at every step',
    name: `${f.step}: ${f.name}`,
    run: (m) => runStepFailure(f, m),
  })),
  ...killRows,
  ...conflictRows,
  ...connectionRows,
  ...loadRows,
  ...edgeRows,
  ...wireRows,
  ...userRows,
  ...secretRows,
];
