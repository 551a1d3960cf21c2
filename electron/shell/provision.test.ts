import { describe, expect, it } from 'vitest';
import type { ProvisionEvent } from '../../shared/api';
import { provisionFromTray } from './provision';
import { createFakeApi } from './testing/fake-api';
import { FakeDialog } from './testing/fake-electron';

function setup(opts: { exists: boolean; fail?: boolean }) {
  const api = createFakeApi();
  const dialog = new FakeDialog();
  const progress: ({ percent: number; label: string } | null)[] = [];
  let logsShown = 0;
  const events: ProvisionEvent[] = [
    { type: 'phase', phase: 'clone', message: 'Cloning the image', fraction: 0.01 },
    { type: 'output', source: 'guest', line: 'apt-get …' },
    { type: 'step', index: 2, total: 9, id: 'php', title: 'Installing PHP', fraction: 0.42 },
  ];
  if (opts.fail) {
    api.fail('provision.start', {
      what: 'The provisioning script failed',
      why: 'apt-get exited 100',
      fix: 'Look at the log, then run Provision again.',
    });
  } else {
    api.handle('provision.start', () => {
      for (const e of events) api.emit('provision.progress', e);
      return { outcome: 'created', baseVm: 'clave-base', logFile: null, seconds: 301.4 };
    });
  }
  const go = () =>
    provisionFromTray({
      api,
      dialogs: dialog,
      baseVm: 'clave-base',
      baseImage: 'ghcr.io/cirruslabs/ubuntu:latest',
      baseExists: async () => opts.exists,
      showLogs: () => void logsShown++,
      onProgress: (p) => void progress.push(p),
    });
  return { api, dialog, progress, go, logsShown: () => logsShown };
}

describe('Provision Base Image… from the tray', () => {
  it('builds a missing base through the API with progress in the badge, then says it is ready', async () => {
    const t = setup({ exists: false });
    await t.go();
    expect(t.dialog.shown[0]!.message).toBe('Build the base image clave-base?');
    expect(t.api.callsOf('provision.start')).toEqual([{}]);
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
    expect(update.api.callsOf('provision.start')).toEqual([{ update: true }]);

    const rebuild = setup({ exists: true });
    rebuild.dialog.answer('Rebuild from Scratch');
    await rebuild.go();
    expect(rebuild.api.callsOf('provision.start')).toEqual([{ force: true }]);

    const cancel = setup({ exists: false });
    cancel.dialog.answer('Cancel');
    await cancel.go();
    expect(cancel.api.callsOf('provision.start')).toEqual([]);
  });

  it('shows what failed, why and what to do, with the logs at hand', async () => {
    const t = setup({ exists: false, fail: true });
    t.dialog.answer('Build', 'Show Logs');
    await t.go();
    const shown = t.dialog.shown[1]!;
    expect(shown.type).toBe('error');
    expect(shown.message).toBe('Provisioning failed: The provisioning script failed');
    expect(shown.detail).toContain('apt-get exited 100');
    expect(shown.detail).toContain('What to do: Look at the log');
    expect(t.logsShown()).toBe(1);
    expect(t.progress.at(-1)).toBeNull();
  });
});
