// For an e2e file that needs a harness the shared one (playwright.config.ts's webServer) is not:
// e.g. with the simulated Orchard controller, which the rest of the suite does not pay for. It
// runs e2e/harness/main.ts as its own process, as the demo does, and ends it with SIGTERM so it
// ends its sessions and removes its simulated host.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { test } from '@playwright/test';
import type { ClaveApi } from '../../shared/api';
import { connectHost, endAllSessions, projectFolder } from './testing';

export interface OwnHarness {
  /** http://127.0.0.1:N */
  origin: string;
  /** The page to open (with the access token). */
  appUrl: string;
  api: ClaveApi;
  folders: ReturnType<typeof projectFolder>;
  /** The harness's stdout so far (what the demo prints). */
  stdout(): string;
}

/** `args`: main.ts's flags (the port is chosen here). Sessions end after each test. */
export function useOwnHarness(label: string, args: string[]): OwnHarness {
  const token = randomBytes(32).toString('base64url');
  let child: ReturnType<typeof spawn> | undefined;
  let exited: Promise<void> | undefined;
  let out = '';
  let err = '';
  let host: { api: ClaveApi; close(): void } | undefined;
  let folders: ReturnType<typeof projectFolder> | undefined;
  let origin = '';

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    folders = projectFolder(label);
    child = spawn(
      process.execPath,
      ['--import', 'tsx', 'e2e/harness/main.ts', '--port', '0', ...args],
      { env: { ...process.env, CLAVE_DEMO_TOKEN: token }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    exited = new Promise((r) => child!.once('exit', () => r()));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-8192)));
    const lines = createInterface({ input: child.stdout! });
    origin = await new Promise<string>((resolve, reject) => {
      lines.on('line', (l) => {
        out += `${l}\n`;
        const m = /→ (http:\/\/127\.0\.0\.1:\d+)\//.exec(l);
        if (m) resolve(m[1]!);
      });
      void exited!.then(() => reject(new Error(`the harness exited before it started:\n${err}`)));
    });
    host = await connectHost(origin, token);
  });
  test.afterEach(async () => {
    if (host) await endAllSessions(host.api);
  });
  test.afterAll(async () => {
    test.setTimeout(90_000);
    host?.close();
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    folders?.remove();
  });
  return {
    get origin() {
      return origin;
    },
    get appUrl() {
      return `${origin}/#token=${token}`;
    },
    get api() {
      return host!.api;
    },
    get folders() {
      return folders!;
    },
    stdout: () => out,
  };
}
