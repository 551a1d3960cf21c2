// Helpers for the Playwright e2e tests against the web harness: the host's API from the test
// (to check and clean up what the UI did), folders to drop, terminal text, screenshots.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import WebSocket from 'ws';
import type { ClaveApi } from '../../shared/api';
import { createRpcClient } from '../../shared/protocol';
import type { SessionSummary } from '../../shared/session';
import { createLaravelProject, createPlainFolder } from './projects';

export const SCREENS_DIR = path.resolve('test-results', 'screens');

/** The harness's access token for this run (playwright.config.ts gives it to the harness). */
function token(): string {
  const t = process.env.CLAVE_DEMO_TOKEN;
  if (!t)
    throw new Error('CLAVE_DEMO_TOKEN is not set: run the e2e tests through playwright.config.ts');
  return t;
}

/** The app's page, with the access token in its address as the harness prints it. */
/** The demo page with its access token, optionally at a route (`settings`). */
export function appPath(route?: string): string {
  return `/#${route ? `${route}&` : ''}token=${token()}`;
}

export async function connectHost(
  baseURL: string,
  accessToken = token(),
): Promise<{ api: ClaveApi; close(): void }> {
  const origin = new URL(baseURL).origin;
  const ws = new WebSocket(`${origin.replace(/^http/, 'ws')}/api?token=${accessToken}`, {
    origin,
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const rpc = createRpcClient((text) => ws.send(text));
  ws.on('message', (data) => rpc.receive(data.toString()));
  ws.on('close', () => rpc.close('closed'));
  return { api: rpc.api, close: () => ws.close() };
}

/** A temp folder of projects for one test file; remove() after its sessions have ended. */
export function projectFolder(label: string) {
  const root = mkdtempSync(path.join(os.tmpdir(), `clave-e2e-${label}-`));
  return {
    root,
    laravel: (name: string) => createLaravelProject(root, name),
    plain: (name: string) => createPlainFolder(root, name),
    /** A git repository without artisan: git is fine, Laravel is missing. */
    gitOnly: (name: string) => {
      const dir = createPlainFolder(root, name);
      const git = (...a: string[]) => execFileSync('git', ['-C', dir, ...a], { stdio: 'ignore' });
      git('init', '-q', '-b', 'main');
      return dir;
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/**
 * The hooks every e2e file needs: the host's API and a folder of projects, made in beforeAll
 * (Playwright also loads test files in processes that run no test), sessions ended after each
 * test, everything closed and removed at the end.
 */
export function useHarness(label: string) {
  let host: { api: ClaveApi; close(): void } | undefined;
  let folders: ReturnType<typeof projectFolder> | undefined;
  test.beforeAll(async ({ baseURL }) => {
    folders = projectFolder(label);
    host = await connectHost(baseURL!);
  });
  test.afterEach(async () => {
    if (host) await endAllSessions(host.api);
  });
  test.afterAll(() => {
    host?.close();
    folders?.remove();
  });
  return {
    get api(): ClaveApi {
      return host!.api;
    },
    get folders(): ReturnType<typeof projectFolder> {
      return folders!;
    },
  };
}

/** Ends every session the host still has (keeping work), so the next test starts clean. */
export async function endAllSessions(api: ClaveApi): Promise<void> {
  const list = await api.call('sessions.list', {});
  await Promise.all(
    list.map((s) => api.call('sessions.stop', { id: s.id, onExit: 'discard', force: true })),
  );
}

export async function sessionFor(api: ClaveApi, projectDir: string): Promise<SessionSummary> {
  const list = await api.call('sessions.list', {});
  const s = list.find((x) => x.projectDir === projectDir);
  if (!s) throw new Error(`no session for ${projectDir}; sessions: ${JSON.stringify(list)}`);
  return s;
}

export interface TerminalInfo {
  key: string;
  sessionId: string;
  kind: 'agent' | 'shell';
  title: string;
  terminalId: string | null;
  renderer: 'webgl' | 'dom';
  cols: number;
  rows: number;
  text: string;
}

export function terminals(page: Page): Promise<TerminalInfo[]> {
  return page.evaluate(
    () =>
      (window as unknown as { __clave?: { terminals(): TerminalInfo[] } }).__clave?.terminals() ??
      [],
  );
}

/** The text of a session's terminal of `kind` (the first one), or '' when there is none. */
export async function terminalText(
  page: Page,
  sessionId: string,
  kind: 'agent' | 'shell' = 'agent',
): Promise<string> {
  const t = (await terminals(page)).find((x) => x.sessionId === sessionId && x.kind === kind);
  return t?.text ?? '';
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENS_DIR, `${name}.png`) });
}

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' });
}

/** Types a line into the terminal on screen (the selected session's active tab). */
export async function typeInTerminal(page: Page, text: string): Promise<void> {
  await page.locator('.terminal-host:visible .xterm').click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

/** Starts a session from the window and waits for Claude's prompt in its terminal. */
export async function startSession(page: Page, api: ClaveApi, project: string, name: string) {
  await page.getByLabel('Project folder').fill(project);
  await page.getByRole('button', { name: 'Start' }).click();
  const detail = page.getByRole('article', { name: `Session ${name}` });
  await expect(detail.getByText('Running', { exact: true })).toBeVisible({ timeout: 45_000 });
  const s = await sessionFor(api, project);
  await expect.poll(() => terminalText(page, s.id)).toMatch(/^> ?$/m);
  return { s, detail };
}
