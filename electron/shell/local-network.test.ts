import { describe, expect, it } from 'vitest';
import { localNetworkProblem } from '../core/host/local-network';
import type { LocalNetworkProbe } from '../core/host/net-probe';
import { createFakeApi, summary } from './testing/fake-api';
import { FakeDialog } from './testing/fake-electron';
import { watchLocalNetwork } from './local-network';

function setup(platform: NodeJS.Platform, answers: LocalNetworkProbe[]) {
  const api = createFakeApi();
  const dialogs = new FakeDialog();
  const probed: string[] = [];
  const stop = watchLocalNetwork({
    api,
    platform,
    dialogs,
    probe: async (host) => {
      probed.push(host);
      return answers.shift() ?? { state: 'allowed' };
    },
  });
  return { api, dialogs, probed, stop };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('the Local Network prompt at first run', () => {
  it('probes the first VM address a session reports, once', async () => {
    const { api, probed, dialogs } = setup('darwin', [{ state: 'allowed' }]);
    api.emit('session.updated', summary({ state: 'starting', vmIp: null }));
    api.emit('session.updated', summary({ state: 'starting', vmIp: '192.168.64.5' }));
    await settle();
    api.emit('session.updated', summary({ id: 'b2c3d4e5', vmIp: '192.168.64.6' }));
    await settle();
    expect(probed).toEqual(['192.168.64.5']);
    expect(dialogs.shown).toEqual([]);
  });

  it('says what to do when macOS refused, and tries again after no answer', async () => {
    const refused: LocalNetworkProbe = {
      state: 'refused',
      problem: localNetworkProblem('192.168.64.6'),
    };
    const { api, probed, dialogs } = setup('darwin', [
      { state: 'unknown', reason: 'no answer in 3000 ms' },
      refused,
    ]);
    api.emit('session.updated', summary({ vmIp: '192.168.64.5' }));
    await settle();
    expect(dialogs.shown).toEqual([]);
    api.emit('session.updated', summary({ vmIp: '192.168.64.6' }));
    await settle();
    expect(probed).toEqual(['192.168.64.5', '192.168.64.6']);
    expect(dialogs.shown).toHaveLength(1);
    expect(dialogs.shown[0]?.detail).toContain(
      'System Settings → Privacy & Security → Local Network',
    );
    expect(dialogs.shown[0]?.detail).toContain('started from Terminal');
  });

  it('does nothing off macOS', async () => {
    const { api, probed } = setup('linux', []);
    api.emit('session.updated', summary({ vmIp: '192.168.64.5' }));
    await settle();
    expect(probed).toEqual([]);
  });
});
