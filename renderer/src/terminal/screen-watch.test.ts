import { Terminal } from '@xterm/xterm';
import { afterEach, describe, expect, it } from 'vitest';
import { screenAboveStatusLine, watchScreen } from './screen-watch';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let term: Terminal | null = null;
afterEach(() => {
  term?.dispose();
  term = null;
  document.body.replaceChildren();
});

describe('watching an agent screen for news', () => {
  it('ignores the attach redraw and tmux’s status line; reports new content above it', async () => {
    const el = document.createElement('div');
    document.body.append(el);
    const t = new Terminal({ cols: 40, rows: 5 });
    term = t;
    t.open(el);
    let changes = 0;
    const watch = watchScreen(
      () => screenAboveStatusLine(t),
      () => void changes++,
      { settleMs: 600, throttleMs: 300 },
    );
    const write = (data: string) =>
      new Promise<void>((resolve) =>
        t.write(data, () => {
          watch.rendered();
          resolve();
        }),
      );
    watch.attached();
    // tmux's redraw on attach: the whole screen, status line included.
    await write('\x1b[1;1H> fix the tests\r\n  ✻ Working\x1b[5;1H[s-a1b2] 0:claude  12:00');
    await sleep(60);
    expect(changes).toBe(0);
    await sleep(600);
    // The clock on the status line ticks: not news.
    const before = screenAboveStatusLine(t);
    await write('\x1b[5;30H12:01');
    expect(screenAboveStatusLine(t)).toBe(before);
    await sleep(350);
    expect(changes).toBe(0);
    // The agent prints: news at once; a stream is compared at most once more per throttle.
    await write('\x1b[3;1HDone: 12 tests pass');
    expect(changes).toBe(1);
    for (let i = 0; i < 5; i++) await write(`\x1b[4;1H> ${i}`);
    await expect.poll(() => changes).toBe(2);
    await sleep(400);
    expect(changes).toBe(2);
    // Output that leaves the screen as it was is not news either.
    await write('\x1b[4;1H> 4');
    await sleep(400);
    expect(changes).toBe(2);
    watch.dispose();
  });
});
