import { describe, expect, it } from 'vitest';
import { Settings } from '../../../../shared/settings';
import { MemorySecretStore } from '../../host/secret-store';
import { ORCHARD_TOKEN_KEY, OrchardService, resolveOrchard } from './credentials';

const TOKEN = 'tok-3f9a';
const settingsWith = (backend: Record<string, unknown>) => Settings.parse({ backend });

describe('resolveOrchard', () => {
  it('takes settings.json’s URL and account with the stored token', async () => {
    const secrets = new MemorySecretStore();
    await secrets.set(ORCHARD_TOKEN_KEY, TOKEN);
    const r = await resolveOrchard(
      settingsWith({ url: 'http://c:6120/v1', serviceAccount: 'clave' }),
      {},
      secrets,
    );
    expect(r).toMatchObject({
      source: 'settings',
      url: 'http://c:6120/v1',
      serviceAccount: 'clave',
    });
    expect(r.credentials).toEqual({
      url: 'http://c:6120/v1',
      serviceAccount: 'clave',
      token: TOKEN,
    });
    expect(r.problem).toBeNull();
  });

  it('lets the environment win, as ANTHROPIC_API_KEY does', async () => {
    const secrets = new MemorySecretStore();
    await secrets.set(ORCHARD_TOKEN_KEY, 'stored');
    const r = await resolveOrchard(
      settingsWith({ url: 'http://settings/v1', serviceAccount: 'other' }),
      { CLAVE_ORCHARD_URL: 'http://env:6120/v1', CLAVE_ORCHARD_ACCOUNT: `ci:${TOKEN}:with-colon` },
      secrets,
    );
    expect(r.source).toBe('env');
    expect(r.credentials).toEqual({
      url: 'http://env:6120/v1',
      serviceAccount: 'ci',
      token: `${TOKEN}:with-colon`,
    });
  });

  it('says what is missing, and never echoes the token', async () => {
    const none = await resolveOrchard(settingsWith({}), {}, new MemorySecretStore());
    expect(none).toMatchObject({ source: 'none', credentials: null });
    expect(none.problem?.fix).toContain('clave orchard connect');
    const noToken = await resolveOrchard(
      settingsWith({ url: 'http://c/v1', serviceAccount: 'clave' }),
      {},
      new MemorySecretStore(),
    );
    expect(noToken.problem?.what).toBe('No Orchard token is stored');
    for (const env of [
      { CLAVE_ORCHARD_ACCOUNT: `ci:${TOKEN}` },
      { CLAVE_ORCHARD_URL: 'ftp://x', CLAVE_ORCHARD_ACCOUNT: `ci:${TOKEN}` },
      { CLAVE_ORCHARD_URL: 'http://c/v1', CLAVE_ORCHARD_ACCOUNT: TOKEN },
      { CLAVE_ORCHARD_URL: 'http://c/v1', CLAVE_ORCHARD_ACCOUNT: 'ci:' },
      { CLAVE_ORCHARD_URL: 'http://c/v1' },
    ]) {
      const r = await resolveOrchard(settingsWith({}), env, new MemorySecretStore());
      expect(r.source).toBe('env');
      expect(r.credentials).toBeNull();
      expect(r.problem).not.toBeNull();
      expect(JSON.stringify(r)).not.toContain(TOKEN);
    }
  });
});

describe('OrchardService', () => {
  it('saves nothing when the controller cannot be reached', async () => {
    const secrets = new MemorySecretStore();
    let updates = 0;
    const service = new OrchardService({
      settings: {
        current: () => settingsWith({}),
        update: () => {
          updates += 1;
          throw new Error('not expected');
        },
      },
      secrets,
      env: {},
      client: { timeoutMs: 2000 },
    });
    const refused = service.connect({
      url: 'http://127.0.0.1:1/v1',
      serviceAccount: 'a',
      token: TOKEN,
    });
    await expect(refused).rejects.toMatchObject({ code: 'orchard.unreachable' });
    await refused.catch((e: Error) => expect(JSON.stringify(e) + e.message).not.toContain(TOKEN));
    expect(updates).toBe(0);
    expect(await secrets.get(ORCHARD_TOKEN_KEY)).toBeNull();
    await expect(service.credentials()).rejects.toMatchObject({ code: 'orchard.not-configured' });
    expect(await service.status()).toMatchObject({ configured: false, reachable: null });
  });
});
