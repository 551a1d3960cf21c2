// Keystroke echo through the whole path: a key pressed in the app's page → terminal.write over the
// WebSocket → host → ssh2 → the shell's PTY in the VM echoes it → back the same way → xterm has
// it on screen. Timed in the page, from the keydown event to the first animation frame in which
// the character is in the terminal's buffer (xterm draws on that frame), and split where the echo
// reaches the page: the round trip, then the wait for that frame.
import { openAppShell } from '../lib/app-page';
import type { Figure, Row } from '../lib/figure';
import { percentile } from '../lib/stats';

const KEYS = Number(process.env.BENCH_ECHO_KEYS ?? 200);
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
      await page.evaluate(() => {
        const w = window as unknown as { __keyAt?: number };
        document.addEventListener('keydown', (e) => (w.__keyAt = e.timeStamp), { capture: true });
      });
      const latencies: number[] = [];
      const roundTrips: number[] = [];
      // One untimed key first: the first echo of a shell pays for things a person never waits on
      // twice (page fonts, the WebGL atlas).
      for (let i = -1; i < KEYS; i++) {
        const c = LETTERS[(i + LETTERS.length) % LETTERS.length]!;
        await page.evaluate(() => delete (window as unknown as { __keyAt?: number }).__keyAt);
        const drawn = page.waitForFunction(
          ({ k, line }) => {
            const w = window as unknown as { __keyAt?: number; __wsOutputAt?: number };
            const at = w.__keyAt;
            return at !== undefined && window.__clave!.tail(k, 1) === line
              ? [performance.now() - at, (w.__wsOutputAt ?? NaN) - at]
              : 0;
          },
          { k: key, line: `${rest} ${c}` },
          { polling: 'raf', timeout: 10_000 },
        );
        // Typed as a person types: the key is still down when its echo shows (a key is held
        // ~80 ms). Playwright's press() lifts it within a millisecond, and Chromium handling that
        // keyup while the echo arrives added ~10 ms at p90 even to a bare WebSocket echo server.
        await page.keyboard.down(c);
        const [ms, back] = (await (await drawn).jsonValue()) as [number, number];
        await page.keyboard.up(c);
        if (i >= 0) {
          latencies.push(ms);
          roundTrips.push(back);
        }
        await page.keyboard.press('Backspace');
        await page.waitForFunction(
          ({ k, line }) => window.__clave!.tail(k, 1) === line,
          { k: key, line: rest },
          { polling: 'raf', timeout: 10_000 },
        );
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
          note: `max ${Math.max(...latencies).toFixed(1)} ms; frame-granular (a frame is ~16.7 ms at 60 Hz)`,
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
