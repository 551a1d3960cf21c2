import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { defineConfig } from '@playwright/test';
import { chromiumExecutable, chromiumArgs } from './e2e/chromium.ts';

// The e2e tests drive the built renderer in Debian's Chromium against the web harness: the real
// session host on the simulated VM host (e2e/harness). The harness also serves the sessions'
// `.test` sites (the sim's Herd proxy) on the next two ports; Chromium resolves *.test there.
// Free ports unless E2E_PORT is set (others may run this suite on the same machine). They are
// put in the environment so the worker processes, which load this file again, agree.
process.env.E2E_PORT ??= String(freePort());
process.env.E2E_HERD_PORTS ??= `${freePort()},${freePort()}`;
// The harness's WebSocket access token for this run: the harness takes it from here, the tests
// open the app with it (e2e/harness/testing.ts).
process.env.CLAVE_DEMO_TOKEN ??= randomBytes(32).toString('base64url');
const port = Number(process.env.E2E_PORT);
const [herdHttp, herdHttps] = process.env.E2E_HERD_PORTS.split(',').map(Number);
const herd = { http: herdHttp!, https: herdHttps! };

function freePort(): number {
  const probe =
    "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return Number(execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8' }));
}

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.e2e.ts',
  outputDir: 'test-results/e2e',
  timeout: 90_000,
  expect: { timeout: 20_000 },
  workers: 1,
  // As the integration layer: one retry on CI for a starved machine; flaky shows in the report.
  retries: process.env.CI ? 1 : 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1200, height: 760 },
    ignoreHTTPSErrors: true, // the sim's Herd certificates are self-signed
    launchOptions: {
      executablePath: chromiumExecutable(),
      args: [
        ...chromiumArgs,
        `--host-resolver-rules=MAP *.test:443 127.0.0.1:${herd.https},MAP *.test:80 127.0.0.1:${herd.http}`,
      ],
    },
  },
  webServer: {
    command: `node --import tsx e2e/harness/main.ts --port ${port} --profile fast --boot-delay-ms 150 --pool-size 0 --no-orchard --herd-ports ${herd.http},${herd.https}`,
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    // SIGTERM lets the harness end its sessions and stop its simulated VMs before it goes.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 30_000 },
  },
});
