// Sessions on a base VM as `clave provision` leaves it (testing/provisioned-base.ts), here with
// PHP 8.3: what the bootstrap restarts, and how the provisioned nginx site tells PHP about https.
import { rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineEvent } from '../../../shared/session';
import type { HerdProxy } from '../../../e2e/sim/herd/proxy-server';
import { dataPaths } from '../config/paths';
import { Settings } from '../config/settings';
import { createHostRuntime, type HostRuntime } from '../compose';
import { createSimWorld, type SimWorld } from './testing/sim-env';
import { provisionedBase } from './testing/provisioned-base';

let world: SimWorld;
let herd: HerdProxy;
let runtime: HostRuntime;
const events: PipelineEvent[] = [];
let session: { id: string; url: string; tunnelPort: number };

beforeAll(async () => {
  world = await createSimWorld();
  await provisionedBase(world, { php: { version: '8.3' } });
  herd = await world.sim.startHerdProxy();
  runtime = await createHostRuntime({
    paths: dataPaths(world.claveHome),
    settings: Settings.parse({
      vm: { cpus: 1, memoryMb: 1024 },
      timeouts: { ipSeconds: 60, sshSeconds: 60, mountSeconds: 30, commandSeconds: 60 },
      herd: { secure: true },
      pool: { size: 0 }, // no standby VMs besides the sessions a test starts
    }),
    face: 'cli',
    env: world.env,
  });
  await runtime.reconciled;
  runtime.host.on('session.progress', (e) => events.push(e.event));
  // A page that prints what Symfony's Request::isSecure() reads: the HTTPS server param.
  const project = world.project('https-app');
  rmSync(path.join(project, 'public/index.html'));
  writeFileSync(
    path.join(project, 'public/index.php'),
    "<?php echo 'HTTPS=' . $_SERVER['HTTPS'] . ' proto=' . $_SERVER['HTTP_X_FORWARDED_PROTO'] . PHP_EOL; ?>",
  );
  execFileSync('git', ['add', '-A'], { cwd: project, env: world.env });
  execFileSync('git', ['commit', '-qm', 'A page that says whether it was served over https'], {
    cwd: project,
    env: world.env,
  });
  const s = await runtime.host.start({ projectDir: project, wait: true });
  session = { id: s.id, url: s.url!, tunnelPort: s.tunnelPort! };
}, 180_000);

afterAll(async () => {
  if (session) await runtime?.host.stop(session.id, 'discard');
  await runtime?.shutdown();
  await world?.cleanup();
});

describe('a session on a provisioned PHP 8.3 base', () => {
  it('restarts the PHP-FPM the image records (php8.3-fpm), with no warning', () => {
    const warnings = events.filter((e) => e.type === 'step-warning');
    expect(warnings.map((w) => JSON.stringify(w)).join('\n')).not.toMatch(/php-fpm|fpm\.service/);
    expect(events.find((e) => e.type === 'step-failed')).toBeUndefined();
  });

  it('PHP sees HTTPS=on through Herd’s secure proxy, and no HTTPS over plain http', async () => {
    expect(session.url).toMatch(/^https:\/\/.+\.test$/);
    const secure = await herd.fetch(`${session.url}/`);
    expect(secure.status).toBe(200);
    expect(secure.body).toBe('HTTPS=on proto=https\n');
    const plain = await fetch(`http://127.0.0.1:${session.tunnelPort}/`);
    expect(await plain.text()).toBe('HTTPS= proto=\n');
  });
});
