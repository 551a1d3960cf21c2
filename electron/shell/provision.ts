// "Provision Base Image…" from the tray: ask build / update / rebuild, run it through the API
// (provision.start, the same flow as `clave provision`) with its progress in the menu-bar badge,
// and end with a dialog: ready, or what failed, why and what to do, with the logs at hand.
import type { MessageBoxOptions, MessageBoxReturnValue } from 'electron';
import type { ClaveApi, ProvisionEvent } from '../../shared/api';
import { ApiError } from '../../shared/protocol';

export interface ProvisionFromTrayOptions {
  api: ClaveApi;
  dialogs: { showMessageBox(options: MessageBoxOptions): Promise<MessageBoxReturnValue> };
  baseVm: string;
  baseImage: string;
  baseExists(): Promise<boolean>;
  /** Opens the folder with the provisioning logs. */
  showLogs(): void;
  onProgress(progress: { percent: number; label: string } | null): void;
}

export async function provisionFromTray(o: ProvisionFromTrayOptions): Promise<void> {
  const base = o.baseVm;
  const exists = await o.baseExists().catch(() => false);
  const { response } = await o.dialogs.showMessageBox(
    exists
      ? {
          type: 'question',
          message: `Update the base image ${base}?`,
          detail:
            'Update re-runs the provisioning script on the current base (quick). Rebuild starts ' +
            `again from ${o.baseImage} (downloads the image). Running sessions are not affected.`,
          buttons: ['Update', 'Rebuild from Scratch', 'Cancel'],
          defaultId: 0,
          cancelId: 2,
          noLink: true,
        }
      : {
          type: 'question',
          message: `Build the base image ${base}?`,
          detail: `Clave clones ${o.baseImage}, installs PHP, nginx, Node and Claude Code in it, and keeps it as ${base}. This takes several minutes.`,
          buttons: ['Build', 'Cancel'],
          defaultId: 0,
          cancelId: 1,
          noLink: true,
        },
  );
  const mode = exists
    ? (['update', 'force'] as const)[response]
    : response === 0
      ? 'create'
      : undefined;
  if (!mode) return;

  let fraction = 0;
  let label = 'Starting';
  const onEvent = (e: ProvisionEvent) => {
    if (e.type === 'phase') label = e.message;
    else if (e.type === 'step') label = e.title;
    else return;
    fraction = Math.max(fraction, e.fraction);
    o.onProgress({ percent: Math.floor(fraction * 100), label });
  };
  const off = o.api.on('provision.progress', onEvent);
  o.onProgress({ percent: 0, label });
  try {
    const result = await o.api.call('provision.start', {
      ...(mode === 'force' ? { force: true } : {}),
      ...(mode === 'update' ? { update: true } : {}),
    });
    await o.dialogs.showMessageBox({
      type: 'info',
      message: `${result.baseVm} is ready`,
      detail: `Base image ${result.outcome} in ${Math.round(result.seconds)} s.`,
    });
  } catch (e) {
    const p =
      e instanceof ApiError ? e.problem : { what: e instanceof Error ? e.message : String(e) };
    const { response: r } = await o.dialogs.showMessageBox({
      type: 'error',
      message: `Provisioning failed: ${p.what}`,
      detail: [p.why, p.fix && `What to do: ${p.fix}`].filter(Boolean).join('\n\n'),
      buttons: ['OK', 'Show Logs'],
      defaultId: 0,
      cancelId: 0,
      noLink: true,
    });
    if (r === 1) o.showLogs();
  } finally {
    off();
    o.onProgress(null);
  }
}
