// Test files run longest first, so that the two integration workers finish together instead of
// one starting a two-minute file while the other has nothing left. Vitest orders by the last
// run's durations when it has them; a fresh clone (CI) has none and orders by file size, which
// says little about a file's time. Only the order changes.
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// The slowest integration files of a CI run (test-results/integration.json), slowest first.
// Unlisted files keep Vitest's order after these; a stale list only costs time, never a test.
const SLOWEST = [
  'e2e/sim/contract/claude.int.test.ts',
  'electron/core/session/backends.int.test.ts',
  'electron/core/session/pool/pool.int.test.ts',
  'electron/core/session/resume.int.test.ts',
  'electron/core/session/session-host.int.test.ts',
  'electron/core/provision/flow.int.test.ts',
  'electron/core/session/attention/attention.int.test.ts',
  'electron/core/session/lifecycle.int.test.ts',
  'electron/core/session/cleanup/user-items.int.test.ts',
  'electron/core/session/deps-snapshot/snapshots.int.test.ts',
  'cli/changes.int.test.ts',
  'electron/core/session/pool/pool-cli.int.test.ts',
  'cli/provision.int.test.ts',
];

export class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = SLOWEST.findIndex((p) => f.moduleId.endsWith(`/${p}`));
      return i < 0 ? SLOWEST.length : i;
    };
    // Vitest runs projects one after another in this order: reorder only within each project.
    const runs: TestSpecification[][] = [];
    for (const f of sorted) {
      const run = runs.at(-1);
      if (run && run[0]!.project === f.project) run.push(f);
      else runs.push([f]);
    }
    return runs.flatMap((run) => run.sort((a, b) => rank(a) - rank(b)));
  }
}
