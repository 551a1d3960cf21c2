// The app's SecretStore: values encrypted with Electron's safeStorage (the macOS Keychain holds
// the key) in a file of the data dir. A token stored by the CLI (`clave auth`, a 0600 file) is
// still found, so both faces share one login.
import type { SafeStorage } from 'electron';
import { FileSecretStore, type SecretStore } from '../core/host/secret-store';

export class SafeStorageSecretStore implements SecretStore {
  private readonly encrypted: FileSecretStore;

  constructor(
    private readonly safeStorage: Pick<
      SafeStorage,
      'isEncryptionAvailable' | 'encryptString' | 'decryptString'
    >,
    encryptedFile: string,
    private readonly cliStore: SecretStore,
  ) {
    this.encrypted = new FileSecretStore(encryptedFile);
  }

  async get(key: string): Promise<string | null> {
    const sealed = await this.encrypted.get(key);
    if (sealed !== null && this.safeStorage.isEncryptionAvailable()) {
      return this.safeStorage.decryptString(Buffer.from(sealed, 'base64'));
    }
    return this.cliStore.get(key);
  }

  async set(key: string, value: string): Promise<void> {
    if (!this.safeStorage.isEncryptionAvailable()) return this.cliStore.set(key, value);
    await this.encrypted.set(key, this.safeStorage.encryptString(value).toString('base64'));
  }

  async delete(key: string): Promise<void> {
    await this.encrypted.delete(key);
    await this.cliStore.delete(key);
  }
}
