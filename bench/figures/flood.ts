// The host's terminal stream alone: a flood through Terminals (ssh2 channel, flow control, a face
// that acknowledges at once) against a plain ssh exec of the same command on the same connection
// kind, and through a PTY against a bare ssh2 PTY channel. What the host adds, without a browser.
import { performance } from 'node:perf_hooks';
import type { Client } from '../../electron/core/api/dispatch';
import { connectSsh } from '../../electron/core/host/ssh';
import type { Figure } from '../lib/figure';
import { withSimRuntime } from '../lib/sim-runtime';
import { median, spread } from '../lib/stats';

const FLOOD_BYTES = 32 * 1024 * 1024;
const FLOOD = `head -c ${(FLOOD_BYTES / 4) * 3} /dev/zero | base64`;

export const flood: Figure = {
  name: 'flood',
  summary: `${FLOOD_BYTES / 1024 / 1024} MB through the host's terminal stream (PTY and pipe) vs ssh exec`,
  budgetMs: 10 * 60_000,
  run: (ctx) =>
    withSimRuntime(async ({ world, runtime }) => {
      const s = await runtime.host.start({ projectDir: world.project('bench'), wait: true });
      const ssh = await connectSsh({ host: s.vmIp!, password: 'admin', deadlineMs: 30_000 });
      const times = {
        ssh: [] as number[],
        sshPty: [] as number[],
        pipe: [] as number[],
        pty: [] as number[],
      };
      try {
        for (let i = 0; i < ctx.rounds; i++) {
          let t0 = performance.now();
          let n = 0;
          await ssh.exec(FLOOD, {
            onStdout: (c) => (n += c.length),
            maxBufferBytes: 1024,
            timeoutMs: 300_000,
          });
          times.ssh.push(performance.now() - t0);
          t0 = performance.now();
          const raw = await ssh.openPty({ command: FLOOD, cols: 200, rows: 50 });
          raw.onData(() => {});
          await raw.exited;
          times.sshPty.push(performance.now() - t0);
          for (const pty of [false, true]) {
            t0 = performance.now();
            const received = await new Promise<number>((resolve, reject) => {
              let id = '';
              let got = 0;
              const client: Client = {
                id: `bench-${i}-${pty}`,
                send: (event, payload) => {
                  if (event === 'terminal.data') {
                    const d = (payload as { data: Uint8Array }).data;
                    got += d.length;
                    // A face acknowledges once it has drawn; this one at once.
                    queueMicrotask(() => runtime.host.terminals.ack(id, d.length));
                  }
                  if (event === 'terminal.exit') resolve(got);
                },
                onClose: () => {},
              };
              runtime.host
                .openTerminal(client, {
                  sessionId: s.id,
                  kind: 'exec',
                  command: ['sh', '-c', FLOOD],
                  pty,
                  cols: 200,
                  rows: 50,
                })
                .then((t) => (id = t), reject);
            });
            (pty ? times.pty : times.pipe).push(performance.now() - t0);
            if (received < n) throw new Error(`the terminal lost output: ${received} of ${n}`);
          }
          ctx.log(
            `round ${i + 1}: ssh ${times.ssh.at(-1)!.toFixed(0)} ms, stream ${times.pipe.at(-1)!.toFixed(0)} ms, ssh2 PTY ${times.sshPty.at(-1)!.toFixed(0)} ms, stream PTY ${times.pty.at(-1)!.toFixed(0)} ms`,
          );
        }
      } finally {
        await ssh.close();
        await runtime.host.stop(s.id, 'discard');
      }
      const mb = FLOOD_BYTES / 1024 / 1024;
      const rate = (xs: number[]) => mb / (median(xs) / 1000);
      return [
        {
          figure: 'host stream, pipe (flow-controlled)',
          unit: 'MB/s',
          baseline: { label: 'ssh exec', value: rate(times.ssh) },
          ours: rate(times.pipe),
          target: { on: 'ratio', op: '>=', limit: 0.8 },
          note: `ms: stream ${spread(times.pipe)}, ssh ${spread(times.ssh)}`,
          samples: times,
        },
        {
          figure: 'host stream, PTY (as terminals run)',
          unit: 'MB/s',
          baseline: { label: 'ssh2 PTY channel', value: rate(times.sshPty) },
          ours: rate(times.pty),
          target: { on: 'ratio', op: '>=', limit: 0.8 },
          note: `ms: stream ${spread(times.pty)}, ssh2 PTY ${spread(times.sshPty)}`,
        },
      ];
    }),
};
