// The app's page in the bench's Chromium, driven as a person would: start a session on the demo
// project, open a shell tab into its VM, type into it, and see what xterm has drawn (the page's
// terminal probe, window.__clave).
import type { Browser, Page } from 'playwright-core';
import type { SessionSummary } from '../../shared/session';
import type { HarnessProcess } from './harness-process';
import { traceWebSocket } from './ws-trace';

export interface AppShell {
  page: Page;
  session: SessionSummary;
  /** The shell tab's key in the page's terminal registry. */
  key: string;
  cols: number;
  rows: number;
  close(): Promise<void>;
}

const VIEWPORT = { width: 1200, height: 760 };

export async function openAppShell(browser: Browser, harness: HarnessProcess): Promise<AppShell> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  await traceWebSocket(page);
  await page.goto(harness.url);
  await page.getByLabel('Project folder').fill(harness.demoProject);
  await page.getByRole('button', { name: 'Start' }).click();
  const detail = page.locator('article');
  await detail.getByText('Running', { exact: true }).waitFor({ timeout: 120_000 });
  const list = await harness.api.call('sessions.list', {});
  const session = list.find((s) => s.state === 'running' && s.projectDir === harness.demoProject);
  if (!session) throw new Error(`no running session: ${JSON.stringify(list)}`);
  await detail.getByRole('button', { name: 'New Shell' }).click();
  const shell = await page.waitForFunction(
    (id) =>
      window.__clave
        ?.terminals()
        .find((t) => t.sessionId === id && t.kind === 'shell' && /\$ ?$/m.test(t.text)),
    session.id,
    { timeout: 60_000 },
  );
  const info = (await shell.jsonValue())!;
  await watchKeys(page);
  return {
    page,
    session,
    key: info.key,
    cols: info.cols,
    rows: info.rows,
    close: () => page.close(),
  };
}

type ShownWindow = { __keyAt?: number; __wsOutputAt?: number; __shown?: Promise<number> };

/** The page keeps the time of the last keydown (its event's timeStamp) as window.__keyAt. */
async function watchKeys(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as ShownWindow;
    document.addEventListener('keydown', (e) => (w.__keyAt = e.timeStamp), { capture: true });
  });
}

/**
 * Arms the page for the next key: the first render of the tab after which its last `lines` rows
 * read `text` (the probe's whenShown; nothing polls the page, since a poller adds work to every
 * frame it watches). Then press the key and await shownSinceKey().
 */
export async function armShown(
  shell: AppShell,
  text: string,
  { lines = 1, timeoutMs = 10_000 }: { lines?: number; timeoutMs?: number } = {},
): Promise<void> {
  await shell.page.evaluate(
    ({ key, text, lines, timeoutMs }) => {
      const w = window as unknown as ShownWindow;
      delete w.__keyAt;
      w.__shown = window.__clave!.whenShown(key, text, timeoutMs, lines);
    },
    { key: shell.key, text, lines, timeoutMs },
  );
}

/**
 * Waits for what armShown armed. `ms`: from the last keydown to the render that shows it;
 * `outputMs`: from that keydown to the last terminal output the page received before.
 */
export function shownSinceKey(shell: AppShell): Promise<{ ms: number; outputMs: number }> {
  return shell.page.evaluate(async () => {
    const w = window as unknown as ShownWindow;
    const at = await w.__shown!;
    return { ms: at - w.__keyAt!, outputMs: w.__wsOutputAt! - w.__keyAt! };
  });
}
