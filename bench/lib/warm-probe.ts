// `npm run bench`, warm start: from `sessions.start` to Claude's first byte in the agent's PTY,
// for a start that claims the project's standby (pool.size 1) and for a cold one (pool.size 0) in
// the same run. Also what a cold start spends in the steps design (b) of issue 15 — a warm VM
// without the project — would still run at the claim: the copy, the bootstrap and Claude's start.
import { performance } from 'node:perf_hooks';
import type { Client } from '../../electron/core/api/dispatch';
import { createHostRuntime, type HostRuntime } from '../../electron/core/compose';
import { dataPaths } from '../../electron/core/config/paths';
import { Settings } from '../../electron/core/config/settings';
import type { SimWorld } from '../../electron/core/session/testing/sim-env';

import { median } from './stats';
/** The steps a project-agnostic warm VM would still run when claimed. */
const AT_CLAIM_IN_B = ['clone-repo', 'bootstrap-laravel', 'carry-claude-setup', 'run-claude-code'];

/** Starts a session and waits for the first byte Claude's PTY shows; returns ms and the id. */
async function startToPrompt(runtime: HostRuntime, projectDir: string) {
  const t0 = performance.now();
  const s = await runtime.host.start({ projectDir, wait: true });
  await new Promise<void>((resolve, reject) => {
    // This face opens one terminal, so any output it is sent is that terminal's — even output
    // that overtakes openTerminal's answer (the id is not known yet then).
    const face: Client = {
      id: `bench-warm-${s.id}`,
      send: (event) => {
        if (event === 'terminal.data') resolve();
      },
      onClose: () => {},
    };
    runtime.host
      .openTerminal(face, { sessionId: s.id, kind: 'agent', cols: 100, rows: 30 })
      .catch(reject);
  });
  const took = performance.now() - t0;
  runtime.host.terminals.closeSession(s.id);
  return { ms: took, id: s.id, warm: s.warm };
}

export interface WarmFigures {
  cold: number;
  warm: number;
  /** What a cold start spent in the steps design (b) would still run at the claim. */
  claimStepsOfB: number;
}

export async function benchWarm(world: SimWorld, rounds: number): Promise<WarmFigures> {
  const runtime = await createHostRuntime({
    paths: dataPaths(world.claveHome),
    settings: Settings.parse({ vm: { cpus: 1, memoryMb: 1024 }, pool: { size: 1 } }),
    face: 'cli',
    env: world.env,
  });
  const stepMs = new Map<string, number[]>();
  runtime.host.on('session.progress', ({ event }) => {
    if (event.type === 'step-finished' && AT_CLAIM_IN_B.includes(event.step))
      stepMs.set(event.step, [...(stepMs.get(event.step) ?? []), event.ms]);
  });
  const project = world.project('bench-warm');
  const cold: number[] = [];
  const warm: number[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      // Cold: no standby (off), then on again so this start leaves one for the next.
      runtime.settings.update({ pool: { size: 0 } });
      await runtime.host.pool.settled();
      const c = await startToPrompt(runtime, project);
      if (c.warm) throw new Error('a cold start claimed a standby');
      cold.push(c.ms);
      await runtime.host.stop(c.id, 'discard');
      // The pool remembers the project it just started: turned on, it prepares its standby.
      runtime.settings.update({ pool: { size: 1 } });
      await runtime.host.pool.settled();
      const w = await startToPrompt(runtime, project);
      if (!w.warm) throw new Error('no standby was ready to claim');
      warm.push(w.ms);
      await runtime.host.stop(w.id, 'discard');
    }
  } finally {
    await runtime.shutdown();
  }
  const claimStepsOfB = AT_CLAIM_IN_B.reduce((sum, s) => sum + median(stepMs.get(s) ?? [0]), 0);
  return { cold: median(cold), warm: median(warm), claimStepsOfB };
}
