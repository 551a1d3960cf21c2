// Rows: the session host SIGKILLed as every pipeline step starts (and while running), then
// restarted on the same data dir.
import { expect } from 'vitest';
import type { MatrixWorld, RowOutcome } from '../world';
import { agentWork, userWork, type Row } from './helpers';

// ---------------------------------------------------------------- the host killed at every step

const KILL_AT = [
  'validate-project',
  'choose-backend',
  'get-git-branch',
  'ensure-vm-exists',
  'check-claude-auth',
  'save-session',
  'clone-repo',
  'clone-vm',
  'boot-vm',
  'install-dependencies',
  'discover-gateway',
  'check-host-services',
  'create-ssh-tunnel',
  'configure-herd-proxy',
  'bootstrap-laravel',
  'carry-claude-setup',
  'run-claude-code',
];

async function killAtStep(m: MatrixWorld, step: string): Promise<RowOutcome> {
  const hosts = m.processHosts();
  const first = await hosts.current();
  const project = m.project(`kill-${step}`);
  const work = userWork(project);
  const reached = new Promise<string>((resolve) =>
    first.api.on('session.progress', (e) => {
      if (e.event.type === 'step-started' && e.event.step === step) resolve(e.sessionId);
    }),
  );
  const started = first.api.call('sessions.start', { projectDir: project, wait: true });
  const id = await Promise.race([
    reached,
    started.then(
      () => Promise.reject(new Error(`the session ran without ever starting ${step}`)),
      (e: Error) => Promise.reject(new Error(`the start failed before ${step}: ${e.message}`)),
    ),
  ]);
  started.catch(() => {});
  await hosts.kill();
  // A new host reconciles what the dead one left: the half-made session is torn down.
  const next = await hosts.current();
  const listed = await next.api.call('sessions.list', {});
  expect(
    listed.map((s) => `${s.id} (${s.state})`),
    `the sessions after ${id}'s crash`,
  ).toEqual([]);
  return { work: [work] };
}

async function killWhileRunning(m: MatrixWorld): Promise<RowOutcome> {
  const hosts = m.processHosts();
  const first = await hosts.current();
  const project = m.project('kill-running');
  const s = await first.api.call('sessions.start', { projectDir: project, wait: true });
  const work = agentWork(s);
  await hosts.kill();
  expect(m.world.sim.runningVMs()).toContain(s.vmName);
  const next = await hosts.current();
  const after = await next.api.call('sessions.get', { id: s.id });
  expect(after.state).toBe('running');
  expect(await fetch(`http://127.0.0.1:${after.tunnelPort}/`).then((r) => r.status)).toBe(200);
  const stop = await next.api.call('sessions.stop', { id: s.id, onExit: 'merge' });
  expect(stop).toMatchObject({ outcome: 'merged', teardownProblems: [] });
  return { work: [work] };
}

export const killRows: Row[] = [
  ...KILL_AT.map((step): Row => ({
    family: 'host SIGKILLed',
    name: `as ${step} starts, then restarted: reconciled, nothing lost or left`,
    run: (m) => killAtStep(m, step),
  })),
  {
    family: 'host SIGKILLed',
    name: 'while the session runs, then restarted: re-attached, the work merges',
    run: killWhileRunning,
  },
];
