// The app page's WebSocket, watched from inside the page: the time the last binary frame (a
// terminal's output) arrived is always kept as window.__wsOutputAt, so a figure can split a
// latency at the page's door. BENCH_TRACE_WS=<file prefix>: the page also records every message
// (time, direction, size: characters of a text frame, bytes of a binary one) and a figure saves
// them after each flood as <prefix>-<round>.json. Gaps between incoming messages while the page
// is idle are output the face waited for (flow control, the VM).
import { writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

type Entry = [ms: number, direction: 'in' | 'out', chars: number];

export async function traceWebSocket(page: Page): Promise<void> {
  await page.addInitScript((keepLog: boolean) => {
    const w = window as unknown as { __wslog: Entry[]; __wsOutputAt?: number };
    const log: Entry[] = [];
    w.__wslog = log;
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (d: string) {
      if (keepLog) log.push([performance.now(), 'out', d.length]);
      return send.call(this, d);
    };
    const onmessage = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage')!;
    Object.defineProperty(WebSocket.prototype, 'onmessage', {
      set(fn: (e: MessageEvent) => void) {
        onmessage.set!.call(this, (e: MessageEvent) => {
          const d = e.data as string | ArrayBuffer;
          const now = performance.now();
          if (typeof d !== 'string') w.__wsOutputAt = now;
          if (keepLog) log.push([now, 'in', typeof d === 'string' ? d.length : d.byteLength]);
          fn(e);
        });
      },
      get() {
        return onmessage.get!.call(this);
      },
    });
  }, !!process.env.BENCH_TRACE_WS);
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
