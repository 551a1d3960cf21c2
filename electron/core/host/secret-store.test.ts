import { afterAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { FileSecretStore, MemorySecretStore, SecretStoreError } from './secret-store';
import { TempDirs } from './testing/temp-repo';

const temp = new TempDirs();
afterAll(() => temp.cleanup());

describe('FileSecretStore', () => {
  it('keeps secrets in an owner-only file in an owner-only folder', async () => {
    const file = path.join(temp.make(), 'config', 'clave', 'secrets.json');
    const store = new FileSecretStore(file);
    expect(await store.get('claude.oauth-token')).toBeNull();
    await store.set('claude.oauth-token', 'sk-ant-oat01-secret');
    await store.set('other', 'x');
    expect(await store.get('claude.oauth-token')).toBe('sk-ant-oat01-secret');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(await new FileSecretStore(file).get('other')).toBe('x');
    await store.delete('claude.oauth-token');
    await store.delete('claude.oauth-token');
    expect(await store.get('claude.oauth-token')).toBeNull();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ version: 1, secrets: { other: 'x' } });
    // No temp files left behind.
    expect(readdirSync(path.dirname(file))).toEqual(['secrets.json']);
  });

  it('tightens a file that was made readable by others', async () => {
    const file = path.join(temp.make(), 'secrets.json');
    writeFileSync(file, JSON.stringify({ version: 1, secrets: {} }));
    chmodSync(file, 0o644);
    await new FileSecretStore(file).set('k', 'v');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('reports a corrupt file with a fix, without echoing its content', async () => {
    const file = path.join(temp.make(), 'secrets.json');
    writeFileSync(file, '{"version":1,"secrets":{"k":"sk-ant-oat01-leak"');
    const error = await new FileSecretStore(file).get('k').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretStoreError);
    expect((error as SecretStoreError).code).toBe('secrets.corrupt');
    expect((error as SecretStoreError).fix).toContain(file);
    expect(JSON.stringify((error as SecretStoreError).toJSON())).not.toContain('leak');
  });

  it('rejects odd key names', async () => {
    await expect(new MemorySecretStore().get('../x')).rejects.toBeInstanceOf(SecretStoreError);
  });
});
