// Setting up Orchard against the simulated controller: the probe decides what is saved, the token
// lands in the secret store only, and the doctor says whether the controller answers.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimOrchard, type SimOrchard } from '../../../../e2e/sim/orchard/testing';
import { SettingsStore } from '../../config/settings-store';
import { orchardCheck } from '../../doctor/orchard';
import { doctorContext } from '../../doctor/testing/context';
import { FileSecretStore } from '../../host/secret-store';
import { ORCHARD_TOKEN_KEY, OrchardService } from './credentials';

let orchard: SimOrchard;
let dir: string;

beforeAll(async () => {
  orchard = await startSimOrchard({ workers: 1 });
  dir = mkdtempSync(path.join(os.tmpdir(), 'clave-orchard-cred-'));
}, 60_000);

afterAll(async () => {
  await orchard?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

function service(env: NodeJS.ProcessEnv = {}) {
  const settingsFile = path.join(dir, 'settings.json');
  const secretsFile = path.join(dir, 'secrets.json');
  const settings = new SettingsStore(settingsFile, env);
  const secrets = new FileSecretStore(secretsFile);
  return {
    o: new OrchardService({ settings, secrets, env }),
    settings,
    settingsFile,
    secretsFile,
    secrets,
  };
}

describe('connecting Clave to an Orchard controller', () => {
  it('saves nothing when the controller refuses the token, then URL and account in settings, the token in the store', async () => {
    const { o, settingsFile, secretsFile, secrets, settings } = service();
    const { name, token } = orchard.account!;
    const refused = await o
      .connect({ url: orchard.url, serviceAccount: name, token: 'wrong-token' })
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'orchard.unauthorized' });
    expect(existsSync(settingsFile)).toBe(false);
    expect(existsSync(secretsFile)).toBe(false);

    const s = await o.connect({ url: orchard.url, serviceAccount: name, token });
    expect(s).toMatchObject({ configured: true, source: 'settings', serviceAccount: name });
    expect(settings.current().backend).toMatchObject({ url: orchard.url, serviceAccount: name });
    expect(readFileSync(settingsFile, 'utf8')).not.toContain(token);
    expect(await secrets.get(ORCHARD_TOKEN_KEY)).toBe(token);
    expect(await o.status({ probe: true })).toMatchObject({ reachable: true, problem: null });
    const check = await orchardCheck.run(
      doctorContext({ settings: settings.current(), orchard: o }),
      new AbortController().signal,
    );
    expect(check).toMatchObject({ status: 'ok' });
    expect(check.detail).toContain(`${name} at ${orchard.url}`);

    const after = await o.disconnect();
    expect(after).toMatchObject({ configured: false, url: orchard.url, serviceAccount: name });
    expect(after.problem?.what).toBe('No Orchard token is stored');
    expect(await secrets.get(ORCHARD_TOKEN_KEY)).toBeNull();
  }, 60_000);

  it('takes the controller from the environment, which wins over settings', async () => {
    const { o } = service(orchard.env);
    const s = await o.status({ probe: true });
    expect(s).toMatchObject({ configured: true, source: 'env', reachable: true });
    const bad = service({ ...orchard.env, CLAVE_ORCHARD_ACCOUNT: `${orchard.account!.name}:nope` });
    const refused = await bad.o.status({ probe: true });
    expect(refused).toMatchObject({ configured: true, source: 'env', reachable: false });
    expect(refused.problem?.fix).toContain('compute:connect');
  }, 60_000);
});
