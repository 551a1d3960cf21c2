// The user's settings as provision options: one mapping for every face that provisions (the
// host's `provision.start`, `clave provision`).
import type { Params } from '../../../shared/api';
import type { DataPaths } from '../config/paths';
import type { Settings } from '../config/settings';
import type { ProvisionOptionsInput } from './options';
import type { ProvisionSpecInput } from './spec';

/** What a face asks for: `provision.start`'s parameters. */
export type ProvisionRequest = Params<'provision.start'>;

export function provisionOptionsFrom(
  paths: DataPaths,
  settings: Settings,
  request: ProvisionRequest,
): ProvisionOptionsInput {
  return {
    dataDir: paths.root,
    logDir: paths.logs,
    baseVm: settings.baseVm,
    image: request.image ?? settings.baseImage,
    force: request.force ?? false,
    update: request.update ?? false,
    cpus: settings.vm.cpus,
    memoryMb: settings.vm.memoryMb,
    ssh: { user: settings.ssh.user, password: settings.ssh.password, port: settings.ssh.port },
    timeouts: settings.timeouts,
    spec: specFromSettings(settings),
  };
}

/** The provisioning spec the settings ask for (for provision, and the doctor's spec match). */
export function specFromSettings(settings: Settings): ProvisionSpecInput {
  // In-VM services mode bakes MySQL and Redis into the base image.
  return settings.services.mode === 'vm' ? { services: { mysql: true, redis: true } } : {};
}
