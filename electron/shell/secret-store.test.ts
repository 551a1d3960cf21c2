import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../core/host/secret-store';
import { SafeStorageSecretStore } from './secret-store';

const dir = mkdtempSync(path.join(tmpdir(), 'clave-safe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A stand-in for safeStorage: a reversible transform, so the file never holds the plain value.
const fakeSafeStorage = (available = true) => ({
  isEncryptionAvailable: () => available,
  encryptString: (s: string) => Buffer.from([...s].reverse().join(''), 'utf8'),
  decryptString: (b: Buffer) => [...b.toString('utf8')].reverse().join(''),
});

describe('app secret store', () => {
  it('keeps values encrypted on disk and reads them back', async () => {
    const file = path.join(dir, 'a.json');
    const store = new SafeStorageSecretStore(fakeSafeStorage(), file, new MemorySecretStore());
    await store.set('claude.oauth-token', 'sk-ant-oat01-secret');
    expect(readFileSync(file, 'utf8')).not.toContain('sk-ant-oat01-secret');
    expect(await store.get('claude.oauth-token')).toBe('sk-ant-oat01-secret');
    await store.delete('claude.oauth-token');
    expect(await store.get('claude.oauth-token')).toBeNull();
  });

  it('finds a token the CLI stored, and falls back to it when encryption is unavailable', async () => {
    const cli = new MemorySecretStore();
    await cli.set('claude.oauth-token', 'from-cli');
    const store = new SafeStorageSecretStore(fakeSafeStorage(false), path.join(dir, 'b.json'), cli);
    expect(await store.get('claude.oauth-token')).toBe('from-cli');
    await store.set('claude.oauth-token', 'new');
    expect(await cli.get('claude.oauth-token')).toBe('new');
  });
});
