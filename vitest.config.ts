import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { playwright } from '@vitest/browser-playwright';
import { chromiumExecutable, chromiumArgs } from './e2e/chromium.ts';

// Three projects: fast Node unit tests, React components in real Chromium,
// and integration tests that drive real git, sshd and the simulated VM host.
export default defineConfig({
  test: {
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
          name: 'integration',
          environment: 'node',
          include: ['**/*.int.test.ts'],
          exclude: ['**/node_modules/**'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Integration tests boot simulated VMs and sshd; two cores cannot run many at once.
          fileParallelism: false,
          // Real VMs, sshd and git on a shared 2-core machine: one retry absorbs a starved
          // timer; a test that fails twice fails the run (and the report shows the retry).
          retry: 1,
        },
      },
    ],
  },
});
