// Preflight 2: where the VM runs — the request's `backend` (a resumed session: its record's), else
// the project's .clave.json, else the setting — and that this runtime can be used and can take
// the session copy's path. Checked here, before anything is made.
import type { SessionBackend } from '../../../../shared/session';
import { loadProjectConfig } from '../../config/project-config';
import type { Settings } from '../../config/settings';
import type { SessionContext } from '../context';
import { need } from '../need';
import type { Step } from '../pipeline';
import { unsharable } from './validate-project';

/** The rule, stated once: the request, else the project's .clave.json, else the setting. */
export function backendFor(
  requested: SessionBackend | null,
  projectRoot: string,
  settings: Settings,
): SessionBackend {
  if (requested) return requested;
  let project: SessionBackend | undefined;
  try {
    project = loadProjectConfig(projectRoot).backend;
  } catch {
    // A broken .clave.json is reported by the start itself (ChooseBackend reads it again).
  }
  return project ?? settings.backend.kind;
}

export const chooseBackend: Step<SessionContext> = {
  name: 'choose-backend',
  label: 'Choose where the VM runs',
  async run(ctx, progress) {
    // Read here first: a broken .clave.json is this step's problem, before anything is made.
    ctx.projectConfig = loadProjectConfig(ctx.projectDir);
    const backend = backendFor(ctx.requestedBackend, ctx.projectDir, ctx.settings);
    ctx.update({ backend });
    // Throws what / why / fix when it cannot be used (Orchard without a controller).
    const vms = ctx.deps.vms;
    const names = need(ctx, 'names', chooseBackend);
    // The session copy is what the VM gets: its whole path must be one the VM host can take.
    const why = vms.unsharable(names.worktreeDir);
    if (why) throw unsharable(ctx.projectDir, why);
    if (backend !== 'tart') progress.hint(`on ${backend}`);
  },
};
