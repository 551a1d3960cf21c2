// BENCH_TRACE_WS=<file prefix>: the app page records every WebSocket message (time, direction,
// size: characters of a text frame, bytes of a binary one) and a figure saves them after each flood as <prefix>-<round>.json. Gaps between incoming
// messages while the page is idle are output the face waited for (flow control, the VM).
import { writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

type Entry = [ms: number, direction: 'in' | 'out', chars: number];

export async function traceWebSocket(page: Page): Promise<void> {
  if (!process.env.BENCH_TRACE_WS) return;
  await page.addInitScript(() => {
    const log: Entry[] = [];
    (window as unknown as { __wslog: Entry[] }).__wslog = log;
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (d: string) {
      log.push([performance.now(), 'out', d.length]);
      return send.call(this, d);
    };
    const onmessage = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage')!;
    Object.defineProperty(WebSocket.prototype, 'onmessage', {
      set(fn: (e: MessageEvent) => void) {
        onmessage.set!.call(this, (e: MessageEvent) => {
          const d = e.data as string | ArrayBuffer;
          log.push([performance.now(), 'in', typeof d === 'string' ? d.length : d.byteLength]);
          fn(e);
        });
      },
      get() {
        return onmessage.get!.call(this);
      },
    });
  });
}

/** Saves (and clears) what the page recorded since the last call. */
export async function saveWebSocketTrace(page: Page, name: string): Promise<void> {
  const prefix = process.env.BENCH_TRACE_WS;
  if (!prefix) return;
  const log = await page.evaluate(() =>
    (window as unknown as { __wslog: Entry[] }).__wslog.splice(0),
  );
  writeFileSync(`${prefix}-${name}.json`, JSON.stringify(log));
}
