// Rows: a failure injected at every pipeline step (or, for parts a session can do without, a
// warning while it goes on).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { MatrixWorld, RowOutcome } from '../world';
import { brokenBase, startCollecting, userWork } from './helpers';

// ---------------------------------------------------------------- a failure at every step

interface StepFailure {
  step: string;
  name: string;
  what: RegExp;
  fault?: string;
  settings?: (m: MatrixWorld) => Promise<object> | object;
  env?: (m: MatrixWorld) => NodeJS.ProcessEnv;
  project?: (dir: string, m: MatrixWorld) => void;
  /** The session goes on with a warning instead (a failing part that is not essential). */
  warns?: boolean;
}

const IP_WRAPPER =
  'printf \'#!/bin/sh\\n[ "$*" = "route show default" ] && exit 0\\nexec /usr/sbin/ip "$@"\\n\' > /usr/local/bin/ip && chmod 755 /usr/local/bin/ip';

/**
 * A Mac HOME whose own Claude files are malformed; Herd (under Library/) stays where it was, so
 * only the carry-in sees a difference.
 */
function malformedClaudeHome(m: MatrixWorld): string {
  const home = m.world.env.HOME!;
  const dir = mkdtempSync(path.join(path.dirname(home), 'home-bad-claude-'));
  symlinkSync(path.join(home, 'Library'), path.join(dir, 'Library'));
  mkdirSync(path.join(dir, '.claude'));
  writeFileSync(path.join(dir, '.claude', 'settings.json'), '{"model": "opus",');
  writeFileSync(path.join(dir, '.claude.json'), '[not json');
  return dir;
}

export const stepFailures: StepFailure[] = [
  {
    step: 'validate-project',
    name: 'not a Laravel project',
    what: /not a Laravel project/,
    project: (d, m) => {
      rmSync(path.join(d, 'artisan'));
      m.git(d, 'commit', '-qam', 'no artisan');
    },
  },
  {
    step: 'choose-backend',
    name: 'Orchard chosen without a controller',
    what: /Orchard is chosen but no controller is configured/,
    settings: () => ({ backend: { kind: 'orchard' } }),
  },
  {
    // Read when the backend is chosen (.clave.json may choose it), before anything is made.
    step: 'choose-backend',
    name: 'a bad .clave.json',
    what: /\.clave\.json: invalid vm\.cpus/,
    project: (d) => writeFileSync(path.join(d, '.clave.json'), '{"vm":{"cpus":"four"}}'),
  },
  {
    step: 'get-git-branch',
    name: 'a repository without commits',
    what: /no commits/,
    project: (d) => {
      rmSync(path.join(d, '.git'), { recursive: true, force: true });
      execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: d });
    },
  },
  {
    step: 'ensure-vm-exists',
    name: 'no base VM',
    what: /base VM nope does not exist/,
    settings: () => ({ baseVm: 'nope' }),
  },
  {
    step: 'check-claude-auth',
    name: 'no Claude credential',
    what: /not authenticated/,
    env: (m) => ({ ...m.world.env, ANTHROPIC_API_KEY: '' }),
  },
  {
    step: 'clone-repo',
    name: 'the copy cannot be made',
    what: /.+/,
    project: (d) => writeFileSync(path.join(d, '.clave'), 'a file, not a folder'),
  },
  { step: 'clone-vm', name: 'disk full on clone', what: /space|disk/i, fault: 'clone-disk-full' },
  { step: 'boot-vm', name: 'the VM does not start', what: /.+/, fault: 'run-start-fail' },
  {
    step: 'boot-vm',
    name: 'the share never mounts',
    what: /mount the project/,
    fault: 'mount-fail=1000',
  },
  {
    step: 'discover-gateway',
    name: 'the VM has no default route',
    what: /no default route/,
    settings: async (m) => ({ baseVm: await brokenBase(m, 'broken-route', IP_WRAPPER) }),
  },
  {
    step: 'check-host-services',
    name: 'no MySQL or Redis on the host (the app goes on without them)',
    what: /MySQL at .* is not reachable from the VM/,
    warns: true,
  },
  {
    step: 'create-ssh-tunnel',
    name: 'no free local port',
    what: /No free local port/,
    settings: async (m) => ({ ports: await m.blockedPortRange() }),
  },
  {
    step: 'configure-herd-proxy',
    name: 'Herd fails (the site stays on 127.0.0.1)',
    what: /\.test|Herd/,
    fault: 'herd-fail',
    warns: true,
  },
  {
    step: 'install-dependencies',
    name: 'composer install fails (the agent can fix it)',
    what: /composer install failed/,
    project: (d, m) => {
      writeFileSync(path.join(d, 'composer.json'), '{ not json');
      m.git(d, 'commit', '-qam', 'broken composer.json');
    },
    warns: true,
  },
  {
    step: 'carry-claude-setup',
    name: "the Mac's own Claude files are malformed (the session starts without them)",
    what: /settings\.json was not carried into the VM/,
    env: (m) => ({ ...m.world.env, HOME: malformedClaudeHome(m) }),
    warns: true,
  },
  {
    step: 'run-claude-code',
    name: 'the VM user home cannot be prepared',
    what: /Could not prepare the VM user home/,
    settings: async (m) => ({
      baseVm: await brokenBase(m, 'broken-home', 'touch /home/admin/.clave'),
    }),
  },
];

export async function runStepFailure(f: StepFailure, m: MatrixWorld): Promise<RowOutcome> {
  const settings = f.settings ? await f.settings(m) : null;
  const rt = settings || f.env ? await m.extraHost(settings ?? {}, f.env?.(m)) : m.runtime;
  const project = m.project(`step-${f.step}`);
  f.project?.(project, m);
  const work = userWork(project);
  if (f.fault) m.world.sim.setFaults(f.fault);
  const r = await startCollecting(rt, project);
  m.world.sim.clearFaults();
  if (f.warns) {
    expect(r.error).toBeUndefined();
    // Ended before the checks, so a failed check leaves nothing behind that is not the product's.
    const stop = await rt.host.stop(r.session!.id, 'discard');
    const warnings = r.events.flatMap((e) =>
      e.type === 'step-warning' && e.step === f.step ? [e.problem.what] : [],
    );
    expect(
      warnings.some((w) => f.what.test(w)),
      warnings.join(' | '),
    ).toBe(true);
    expect(stop.teardownProblems).toEqual([]);
    return { work: [work] };
  }
  const p = r.error?.problem;
  expect(`${p?.what} ${p?.why ?? ''}`).toMatch(f.what);
  expect(p?.fix ?? '', `a fix line for: ${JSON.stringify(p)}`).not.toBe('');
  expect(r.events.find((e) => e.type === 'step-failed')).toMatchObject({ step: f.step });
  return { work: [work] };
}
