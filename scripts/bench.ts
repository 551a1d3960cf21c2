// `npm run bench`: Clave's costs as ratios against a baseline measured in the same run, on the
// simulated VM host (so absolute times say little; ratios say what Clave adds).
//   1. Session start: Clave's whole pipeline vs the bare minimum (clone, run, IP, ssh).
//   2. Terminal output: a flood through Clave's terminal stream with acks vs a plain ssh exec.
//   3. Changes: a write in a running session's copy → changes.updated, and changes.get / diff on
//      a generated 50k-file repository (scripts/bench-changes.ts).
//   3. The agent's voice (hooks → faces), in absolute figures against targets (bench-attention.ts).
//   4. Warm start: start → Claude's first byte, claiming a standby vs cold (bench-warm.ts).
import { performance } from 'node:perf_hooks';
import type { Client } from '../electron/core/api/dispatch';
import { createHostRuntime } from '../electron/core/compose';
import { dataPaths } from '../electron/core/config/paths';
import { Settings } from '../electron/core/config/settings';
import { connectSsh } from '../electron/core/host/ssh';
import { Tart } from '../electron/core/host/tart';
import { createSimWorld, provisionBase } from '../electron/core/session/testing/sim-env';
import { benchLive, benchSize } from './bench-changes';
import { benchAttention } from './bench-attention';
import { benchWarm } from './bench-warm';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const FLOOD_BYTES = 8 * 1024 * 1024;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(0)} ms`;

const world = await createSimWorld();
try {
  await provisionBase(world);
  const runtime = await createHostRuntime({
    paths: dataPaths(world.claveHome),
    // No standbys here: these starts are cold (bench-warm.ts measures the warm ones).
    settings: Settings.parse({ vm: { cpus: 1, memoryMb: 1024 }, pool: { size: 0 } }),
    face: 'cli',
    env: world.env,
  });
  const tart = new Tart({ logDir: dataPaths(world.claveHome).vmLogs, env: world.env });
  const project = world.project('bench');

  // 1. Session start
  const raw: number[] = [];
  const clave: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const name = `clave-bench${String(i).padStart(3, '0')}`;
    let t0 = performance.now();
    await tart.clone('clave-base', name);
    const run = await tart.run(name, { noGraphics: true });
    const ip = await tart.ip(name, { waitSeconds: 60 });
    const ssh = await connectSsh({ host: ip, password: 'admin', deadlineMs: 60_000 });
    await ssh.exec('true');
    raw.push(performance.now() - t0);
    await ssh.close();
    await tart.stop(name);
    await run.exited;
    await tart.delete(name);

    t0 = performance.now();
    const s = await runtime.host.start({ projectDir: project, wait: true });
    clave.push(performance.now() - t0);
    await runtime.host.stop(s.id, 'discard');
  }

  // 2. Terminal output
  const s = await runtime.host.start({ projectDir: project, wait: true });
  const flood = `head -c ${FLOOD_BYTES} /dev/zero | base64 -w 0`;
  const rawFlood: number[] = [];
  const claveFlood: number[] = [];
  const ssh = await connectSsh({ host: s.vmIp!, password: 'admin', deadlineMs: 30_000 });
  for (let i = 0; i < ROUNDS; i++) {
    let t0 = performance.now();
    let n = 0;
    await ssh.exec(flood, {
      onStdout: (c) => (n += c.length),
      maxBufferBytes: 1024,
      timeoutMs: 120_000,
    });
    rawFlood.push(performance.now() - t0);

    t0 = performance.now();
    let received = 0;
    await new Promise<void>((resolve, reject) => {
      let id = '';
      const client: Client = {
        id: `bench-${i}`,
        send: (event, payload) => {
          if (event === 'terminal.data') {
            const d = (payload as { data: string }).data;
            received += d.length;
            // A face acknowledges once it has rendered; here, at once.
            queueMicrotask(() => runtime.host.terminals.ack(id, d.length));
          }
          if (event === 'terminal.exit') resolve();
        },
        onClose: () => {},
      };
      runtime.host
        .openTerminal(client, {
          sessionId: s.id,
          kind: 'exec',
          command: ['sh', '-c', flood],
          pty: false,
          cols: 80,
          rows: 24,
        })
        .then((t) => (id = t), reject);
    });
    claveFlood.push(performance.now() - t0);
    if (received < n) throw new Error(`terminal lost output: ${received} of ${n}`);
  }
  await ssh.close();

  // 3. Changes
  const live = await benchLive(s.worktreeDir!, ROUNDS, (client, on) =>
    runtime.dispatch({ method: 'changes.watch', params: { id: s.id, on } }, client),
  );
  const attention = await benchAttention(runtime, s);
  await runtime.host.stop(s.id, 'discard', true);
  await runtime.shutdown();
  const size = await benchSize(ROUNDS);
  const warm = await benchWarm(world, ROUNDS);

  const rows = [
    ['session start', median(raw), median(clave)],
    ['start → Claude’s first byte, cold (vs bare boot)', median(raw), warm.cold],
    ['start → Claude’s first byte, warm (vs bare boot)', median(raw), warm.warm],
    [
      `terminal flood ${FLOOD_BYTES / 1024 / 1024} MiB→base64`,
      median(rawFlood),
      median(claveFlood),
    ],
    live,
    ...size,
  ] as const;
  console.log(`\nmedians of ${ROUNDS} rounds on the simulated host (ratio = Clave / baseline)`);
  for (const [what, base, ours] of rows) {
    console.log(
      `${what.padEnd(44)} baseline ${ms(base).padStart(8)}  clave ${ms(ours).padStart(8)}  ratio ${(ours / base).toFixed(2)}`,
    );
  }
  console.log(
    `warm start target: ≤ 0.15× a bare cold boot; a warm VM without the project (issue 15's design b) would still spend ${ms(warm.claimStepsOfB)} at the claim (copy, bootstrap, Claude's start, as in the cold start)`,
  );
  console.log('\nthe agent’s status from its hooks');
  for (const line of attention) console.log(line);
} finally {
  await world.cleanup();
}
