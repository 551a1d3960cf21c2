// Keystroke echo through the whole path: a key pressed in the app's page → terminal.write over the
// WebSocket → host → ssh2 → the shell's PTY in the VM echoes it → back the same way → xterm has
// it on screen. Timed in the page, from the keydown event to xterm's render that shows the
// character (the animation frame it is drawn on), and split where the echo reaches the page: the
// round trip, then the wait for that frame. Nothing polls the page: Playwright's rAF polling
// (waitForFunction) added ~15 ms to every echo it watched (p50 22 ms against 7 ms unwatched).
import { setTimeout as sleep } from 'node:timers/promises';
import { armShown, openAppShell, shownSinceKey } from '../lib/app-page';
import type { Figure, Row } from '../lib/figure';
import { percentile } from '../lib/stats';

const KEYS = Number(process.env.BENCH_ECHO_KEYS ?? 200);
/** One frame at 60 Hz. */
const FRAME_MS = 1000 / 60;
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

export const echo: Figure = {
  name: 'echo',
  summary: `keystroke echo latency over ${KEYS} keys (page → VM shell → page)`,
  budgetMs: 10 * 60_000,
  async run(ctx): Promise<Row[]> {
    const harness = await ctx.harness();
    const shell = await openAppShell(await ctx.browser(), harness);
    const { page, key } = shell;
    try {
      const prompt = () => page.evaluate((k) => window.__clave!.tail(k, 1)!, key);
      await page.keyboard.type('clear');
      await page.keyboard.press('Enter');
      await page
        .waitForFunction((k) => /\$$/.test(window.__clave!.tail(k, 1)!), key)
        .catch(async (e: unknown) => {
          throw new Error(
            `no prompt after clear; the shell shows: ${await prompt()} (${String(e)})`,
          );
        });
      const rest = await prompt();
      const latencies: number[] = [];
      const roundTrips: number[] = [];
      // One untimed key first: the first echo of a shell pays for things a person never waits on
      // twice (page fonts, the WebGL atlas).
      for (let i = -1; i < KEYS; i++) {
        const c = LETTERS[(i + LETTERS.length) % LETTERS.length]!;
        await armShown(shell, `${rest} ${c}`);
        // Typed as a person types: at any moment of the frame clock, and held down until its
        // echo shows (a key is held ~80 ms). Playwright's press() lifts it within a millisecond,
        // and Chromium handling that keyup while the echo arrives added ~10 ms at p90 even to a
        // bare WebSocket echo server.
        await sleep(Math.random() * FRAME_MS);
        await page.keyboard.down(c);
        const { ms, outputMs } = await shownSinceKey(shell);
        await page.keyboard.up(c);
        if (i >= 0) {
          latencies.push(ms);
          roundTrips.push(outputMs);
        }
        await armShown(shell, rest);
        await page.keyboard.press('Backspace');
        await shownSinceKey(shell);
      }
      const p50 = percentile(latencies, 50);
      const p99 = percentile(latencies, 99);
      const frameWaits = latencies.map((ms, i) => ms - roundTrips[i]!);
      ctx.log(
        `echo: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`,
      );
      return [
        {
          figure: `keystroke echo p50 (${KEYS} keys)`,
          unit: 'ms',
          ours: p50,
          samples: { latencies },
        },
        {
          figure: `keystroke echo p99 (${KEYS} keys)`,
          unit: 'ms',
          ours: p99,
          target: { on: 'value', op: '<=', limit: 30 },
          note: `max ${Math.max(...latencies).toFixed(1)} ms; to the frame that draws it (~16.7 ms apart at 60 Hz)`,
        },
        {
          figure: 'echo: key down → echo in the page, p50',
          unit: 'ms',
          ours: percentile(roundTrips, 50),
          note: `p99 ${percentile(roundTrips, 99).toFixed(1)} ms: WebSocket, host, ssh, the VM's shell and back`,
          samples: { roundTrips },
        },
        {
          figure: 'echo: in the page → drawn (frame wait), p50',
          unit: 'ms',
          ours: percentile(frameWaits, 50),
          note: `p99 ${percentile(frameWaits, 99).toFixed(1)} ms: until the animation frame that draws it`,
          samples: { frameWaits },
        },
      ];
    } finally {
      await shell.close();
      await harness.endSessions();
    }
  },
};
