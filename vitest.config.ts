import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { playwright } from '@vitest/browser-playwright';
import { chromiumExecutable, chromiumArgs } from './e2e/chromium.ts';
import { SlowFirstSequencer } from './scripts/slow-first-sequencer.ts';

// Integration tests drive real git, sshd and the simulated VM host.
const integration = {
  environment: 'node',
  include: ['**/*.int.test.ts'],
  exclude: ['**/node_modules/**'],
  testTimeout: 120_000,
  hookTimeout: 120_000,
  // Real VMs, sshd and git on a shared 2-core machine: one retry absorbs a starved timer; a test
  // that fails twice fails the run (and the report shows the retry).
  retry: 1,
};

// Integration files that look at the whole machine, not only at their own simulated host, so
// another file running beside them would fail them: their leak checks count every simulator
// orphan on the host (leaks.ts `leftovers` without `ownOnly`: another file's VM that was killed on
// purpose is one until the next `tart` command collects it), or they hold or expect free the
// gateway's fixed MySQL/Redis ports (3306/6379), which every session's service check looks at.
// The fault matrix checks only its own host's leftovers, but its rows have no retry and one
// (sshd dies mid-session) failed once beside another file on a loaded machine: it stays alone.
const machineWide = [
  'e2e/fault-matrix/fault-matrix.int.test.ts',
  'e2e/harness/server.int.test.ts',
  'e2e/sim/faults.int.test.ts',
  'e2e/sim/guest/guest.int.test.ts',
  'e2e/sim/isolation.int.test.ts',
  'e2e/sim/reset.int.test.ts',
  'e2e/sim/sim.int.test.ts',
  'e2e/sim/tart/lifecycle.int.test.ts',
];

// Four projects: fast Node unit tests, React components in real Chromium, and the integration
// tests in two: most two files at a time, then the machine-wide ones alone (`--project
// 'integration*'` runs both).
export default defineConfig({
  test: {
    sequence: { sequencer: SlowFirstSequencer },
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: ['{electron,shared,scripts,e2e,cli}/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**', 'e2e/**/*.e2e.ts'],
        },
      },
      {
        plugins: [react()],
        // Pre-bundled up front: found mid-run on a cold cache, they make Vite reload the page
        // under the running tests.
        optimizeDeps: {
          include: [
            'react',
            'react-dom',
            'react-dom/client',
            'react/jsx-dev-runtime',
            'react/jsx-runtime',
            'zod',
            '@xterm/xterm',
            '@xterm/addon-fit',
            '@xterm/addon-search',
            '@xterm/addon-web-links',
            '@xterm/addon-webgl',
            'vitest-browser-react',
          ],
        },
        test: {
          name: 'unit-renderer',
          include: ['renderer/**/*.test.tsx', 'renderer/**/*.test.ts'],
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({
              launchOptions: { executablePath: chromiumExecutable(), args: chromiumArgs },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        test: {
          ...integration,
          name: 'integration',
          exclude: [...integration.exclude, ...machineWide],
          // Two files at a time: their simulated hosts are separate (own TART_HOME, Herd, ports),
          // and most of a file's time is spent waiting on VMs, sshd and git, not on a core.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          ...integration,
          name: 'integration-alone',
          include: machineWide,
          // After the rest, one file at a time, with nothing else of ours on the machine.
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
