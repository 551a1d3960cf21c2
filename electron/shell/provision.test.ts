import { describe, expect, it } from 'vitest';
import { dataPaths } from '../core/config/paths';
import { Settings } from '../core/config/settings';
import { ProvisionError, type ProvisionHooks, type ProvisionOptionsInput } from '../core/provision';
import { provisionFromTray } from './provision';
import { FakeDialog } from './testing/fake-electron';

function setup(opts: { exists: boolean; fail?: boolean }) {
  const dialog = new FakeDialog();
  const progress: ({ percent: number; label: string } | null)[] = [];
  const revealed: string[] = [];
  const runs: ProvisionOptionsInput[] = [];
  const run = async (options: ProvisionOptionsInput, hooks: ProvisionHooks) => {
    runs.push(options);
    hooks.onProgress?.({
      type: 'phase',
      phase: 'clone',
      message: 'Cloning the image',
      fraction: 0.01,
    });
    hooks.onProgress?.({
      type: 'step',
      index: 2,
      total: 9,
      id: 'php',
      title: 'Installing PHP',
      fraction: 0.42,
    });
    if (opts.fail) {
      throw new ProvisionError({
        code: 'provision.script-failed',
        what: 'The provisioning script failed',
        why: 'apt-get exited 100',
        fix: 'Look at the log, then run Provision again.',
        phase: 'script',
        logFile: '/data/logs/provision.log',
      });
    }
    return {
      outcome: 'created' as const,
      baseVm: 'clave-base',
      source: 'ghcr.io/cirruslabs/ubuntu:latest',
      logFile: null,
      specHash: 'x',
      seconds: 301.4,
    };
  };
  const go = () =>
    provisionFromTray({
      dialogs: dialog,
      revealFile: (f) => void revealed.push(f),
      settings: Settings.parse({}),
      paths: dataPaths('/data'),
      baseExists: async () => opts.exists,
      run,
      onProgress: (p) => void progress.push(p),
    });
  return { dialog, progress, revealed, runs, go };
}

describe('Provision Base Image… from the tray', () => {
  it('builds a missing base with progress in the badge, then says it is ready', async () => {
    const t = setup({ exists: false });
    await t.go();
    expect(t.dialog.shown[0]!.message).toBe('Build the base image clave-base?');
    expect(t.runs[0]).toMatchObject({
      baseVm: 'clave-base',
      force: false,
      update: false,
      dataDir: '/data',
    });
    expect(t.progress).toEqual([
      { percent: 0, label: 'Starting' },
      { percent: 1, label: 'Cloning the image' },
      { percent: 42, label: 'Installing PHP' },
      null,
    ]);
    expect(t.dialog.shown[1]).toMatchObject({ message: 'clave-base is ready' });
    expect(t.dialog.shown[1]!.detail).toContain('in 301 s');
  });

  it('offers update or rebuild for an existing base; cancel does nothing', async () => {
    const update = setup({ exists: true });
    await update.go();
    expect(update.dialog.shown[0]!.buttons).toEqual(['Update', 'Rebuild from Scratch', 'Cancel']);
    expect(update.runs[0]).toMatchObject({ update: true, force: false });

    const rebuild = setup({ exists: true });
    rebuild.dialog.answer('Rebuild from Scratch');
    await rebuild.go();
    expect(rebuild.runs[0]).toMatchObject({ update: false, force: true });

    const cancel = setup({ exists: false });
    cancel.dialog.answer('Cancel');
    await cancel.go();
    expect(cancel.runs).toEqual([]);
  });

  it('shows what failed, why, what to do, and the log', async () => {
    const t = setup({ exists: false, fail: true });
    t.dialog.answer('Build', 'Show Log');
    await t.go();
    const shown = t.dialog.shown[1]!;
    expect(shown.type).toBe('error');
    expect(shown.message).toBe('Provisioning failed: The provisioning script failed');
    expect(shown.detail).toContain('apt-get exited 100');
    expect(shown.detail).toContain('What to do: Look at the log');
    expect(t.revealed).toEqual(['/data/logs/provision.log']);
    expect(t.progress.at(-1)).toBeNull();
  });
});
