// A base VM on the simulated host as `clave provision` leaves it, for the parts sessions read:
// the stamp recording its spec, the PHP-FPM unit of that spec's PHP, and the nginx site — each
// written from the provisioning module's own definitions, so a test sees what production would.
import { startRun } from '../../../../e2e/sim/vm';
import { sshConnect, sshExec } from '../../../../e2e/sim/ssh';
import { STAMP_PATH, fpmService, nginxSite } from '../../provision/base-image';
import {
  GENERATOR_VERSION,
  parseSpec,
  specHash,
  type ProvisionSpecInput,
} from '../../provision/spec';
import type { SimWorld } from './sim-env';

export async function provisionedBase(
  world: SimWorld,
  specInput: ProvisionSpecInput,
  name = 'clave-base',
): Promise<void> {
  const spec = parseSpec(specInput);
  const stamp = JSON.stringify({
    generator: GENERATOR_VERSION,
    specHash: specHash(spec),
    spec,
    mode: 'install',
    provisionedAt: new Date().toISOString(),
  });
  await world.tart('clone', 'ghcr.io/cirruslabs/ubuntu:latest', name);
  const run = startRun(world.sim, name);
  try {
    const ip = (await world.tart('ip', name, '--wait', '30')).trim();
    const ssh = await sshConnect(ip);
    const put = (path: string, text: string) =>
      `echo ${Buffer.from(text).toString('base64')} | base64 -d | sudo tee ${path} >/dev/null`;
    const script = [
      'set -e',
      'sudo mkdir -p /etc/clave /etc/nginx/sites-available',
      put(STAMP_PATH, stamp),
      // Only the spec's PHP is installed: its FPM unit replaces the image's.
      'sudo rm -f /usr/lib/systemd/system/php*-fpm.service',
      `echo | sudo tee /usr/lib/systemd/system/${fpmService(spec.php.version)}.service >/dev/null`,
      put('/etc/nginx/sites-available/clave', nginxSite(spec.php.version)),
      'sudo ln -sfn /etc/nginx/sites-available/clave /etc/nginx/sites-enabled/clave',
      'sudo rm -f /etc/nginx/sites-enabled/default',
    ].join('\n');
    const r = await sshExec(ssh, script);
    ssh.end();
    if (r.code !== 0) throw new Error(`provisioning ${name} failed: ${r.stderr}`);
  } finally {
    await world.tart('stop', name);
    await run.exited;
  }
}
