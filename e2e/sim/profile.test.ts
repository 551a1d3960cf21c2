// The timing profile is chosen by CLAVE_SIM_PROFILE only: the default keeps the fast settings
// tests give, `mac` replaces them all, anything else is refused.
import { describe, expect, it } from 'vitest';
import { simSettings } from './config';
import { MAC_PROFILE, NO_GUEST_DELAYS } from './profile';

const harnessEnv = {
  TART_SIM_BOOT_DELAY_MS: '150',
  TART_SIM_SSHD_DELAY_MS: '100',
  TART_SIM_IP_POLL_MS: '200',
};

describe('the simulated host’s timing profile', () => {
  it('is fast unless chosen: the TART_SIM_*_MS values, guest programs without delays', () => {
    for (const env of [
      harnessEnv,
      { ...harnessEnv, CLAVE_SIM_PROFILE: '' },
      { ...harnessEnv, CLAVE_SIM_PROFILE: 'fast' },
    ]) {
      expect(simSettings(env)).toMatchObject({
        profile: 'fast',
        bootDelayMs: 150,
        sshdDelayMs: 100,
        ipPollMs: 200,
        guest: NO_GUEST_DELAYS,
      });
    }
    expect(simSettings({})).toMatchObject({ bootDelayMs: 2000, sshdDelayMs: 700, ipPollMs: 1000 });
  });

  it('mac: the assumed Mac timings, whatever the harness’s delays say', () => {
    const s = simSettings({ ...harnessEnv, CLAVE_SIM_PROFILE: 'mac' });
    expect(s).toMatchObject({
      profile: 'mac',
      bootDelayMs: 10_000,
      sshdDelayMs: 1_000,
      ipPollMs: 1_000,
      guest: {
        composerNetworkMsPerPackage: 250,
        composerCacheMsPerPackage: 20,
        claudeStartMs: 1_500,
      },
    });
    expect(s.guest).toEqual(MAC_PROFILE.guest);
  });

  it('refuses an unknown profile by name', () => {
    expect(() => simSettings({ CLAVE_SIM_PROFILE: 'macos' })).toThrow(
      "CLAVE_SIM_PROFILE must be one of fast, mac, got 'macos'",
    );
  });
});
