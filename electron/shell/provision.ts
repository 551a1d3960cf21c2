// "Provision Base Image…" from the tray: ask build / update / rebuild, run the core's provision
// flow with its progress in the menu-bar badge, and end with a dialog: done, or what failed,
// why, what to do, and the log.
import type { MessageBoxOptions, MessageBoxReturnValue } from 'electron';
import type { DataPaths } from '../core/config/paths';
import type { Settings } from '../core/config/settings';
import {
  initialProgress,
  ProvisionError,
  reduceProgress,
  type ProvisionEvent,
  type ProvisionHooks,
  type ProvisionOptionsInput,
  type ProvisionResult,
} from '../core/provision';

export interface ProvisionDialogs {
  showMessageBox(options: MessageBoxOptions): Promise<MessageBoxReturnValue>;
}

export interface ProvisionFromTrayOptions {
  dialogs: ProvisionDialogs;
  revealFile(file: string): void;
  settings: Settings;
  paths: DataPaths;
  baseExists(): Promise<boolean>;
  run(options: ProvisionOptionsInput, hooks: ProvisionHooks): Promise<ProvisionResult>;
  onProgress(progress: { percent: number; label: string } | null): void;
}

export async function provisionFromTray(o: ProvisionFromTrayOptions): Promise<void> {
  const base = o.settings.baseVm;
  const exists = await o.baseExists().catch(() => false);
  const { response } = await o.dialogs.showMessageBox(
    exists
      ? {
          type: 'question',
          message: `Update the base image ${base}?`,
          detail:
            'Update re-runs the provisioning script on the current base (quick). Rebuild starts ' +
            `again from ${o.settings.baseImage} (downloads the image). Running sessions are not affected.`,
          buttons: ['Update', 'Rebuild from Scratch', 'Cancel'],
          defaultId: 0,
          cancelId: 2,
          noLink: true,
        }
      : {
          type: 'question',
          message: `Build the base image ${base}?`,
          detail: `Clave clones ${o.settings.baseImage}, installs PHP, nginx, Node and Claude Code in it, and keeps it as ${base}. This takes several minutes.`,
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

  let progress = initialProgress;
  const onProgress = (e: ProvisionEvent) => {
    progress = reduceProgress(progress, e);
    o.onProgress({ percent: Math.floor(progress.fraction * 100), label: progress.label });
  };
  o.onProgress({ percent: 0, label: 'Starting' });
  try {
    const s = o.settings;
    const result = await o.run(
      {
        dataDir: o.paths.root,
        logDir: o.paths.logs,
        baseVm: s.baseVm,
        image: s.baseImage,
        force: mode === 'force',
        update: mode === 'update',
        cpus: s.vm.cpus,
        memoryMb: s.vm.memoryMb,
        ssh: { user: s.ssh.user, password: s.ssh.password, port: s.ssh.port },
        spec: s.services.mode === 'vm' ? { services: { mysql: true, redis: true } } : {},
      },
      { onProgress },
    );
    o.onProgress(null);
    await o.dialogs.showMessageBox({
      type: 'info',
      message: `${result.baseVm} is ready`,
      detail: `Base image ${result.outcome} from ${result.source} in ${Math.round(result.seconds)} s.`,
    });
  } catch (e) {
    o.onProgress(null);
    const err = e instanceof ProvisionError ? e : null;
    const what = err?.what ?? (e instanceof Error ? e.message : String(e));
    const detail = err
      ? [err.why, err.fix && `What to do: ${err.fix}`].filter(Boolean).join('\n\n')
      : '';
    const logFile = err?.logFile ?? null;
    const { response: r } = await o.dialogs.showMessageBox({
      type: 'error',
      message: `Provisioning failed: ${what}`,
      detail: logFile ? `${detail}\n\nLog: ${logFile}` : detail,
      buttons: logFile ? ['OK', 'Show Log'] : ['OK'],
      defaultId: 0,
      cancelId: 0,
      noLink: true,
    });
    if (logFile && r === 1) o.revealFile(logFile);
  }
}
