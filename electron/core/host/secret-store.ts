import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { HostError } from './errors';
import { writePrivateFile } from './private-file';

/**
 * Where Clave keeps secrets (the Claude OAuth token). The Electron shell implements this with
 * `safeStorage` (Keychain); the core ships a file store for the CLI, `clave serve` and tests.
 * Implementations never log values.
 */
export interface SecretStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

export type SecretStoreErrorCode = 'secrets.corrupt' | 'secrets.unreadable' | 'secrets.invalid-key';

export class SecretStoreError extends HostError<SecretStoreErrorCode> {}

const FileSchema = z.object({
  version: z.literal(1),
  secrets: z.record(z.string(), z.string()),
});

const KeySchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/);

/**
 * A JSON file readable by the owner only: the file is 0600, its folder 0700 when Clave creates
 * it. Writes go to a temporary file (created 0600) that is renamed over the old one, so a crash
 * never leaves a half-written or world-readable file.
 */
export class FileSecretStore implements SecretStore {
  constructor(readonly file: string) {}

  async get(key: string): Promise<string | null> {
    checkKey(key);
    return (await this.read())[key] ?? null;
  }

  async set(key: string, value: string): Promise<void> {
    checkKey(key);
    const secrets = await this.read();
    secrets[key] = value;
    await this.write(secrets);
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    const secrets = await this.read();
    if (!(key in secrets)) return;
    delete secrets[key];
    await this.write(secrets);
  }

  private async read(): Promise<Record<string, string>> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new SecretStoreError({
        code: 'secrets.unreadable',
        what: 'Could not read stored credentials',
        why: `${this.file}: ${(error as Error).message}`,
        fix: `Check the permissions of ${this.file} (it should belong to you, mode 600).`,
      });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const result = FileSchema.safeParse(parsed);
    if (!result.success) {
      throw new SecretStoreError({
        code: 'secrets.corrupt',
        what: 'Stored credentials are unreadable',
        why: `${this.file} is not a valid credentials file.`,
        fix: `Delete ${this.file} and sign in to Claude again.`,
      });
    }
    return { ...result.data.secrets };
  }

  private async write(secrets: Record<string, string>): Promise<void> {
    await writePrivateFile(this.file, `${JSON.stringify({ version: 1, secrets }, null, 2)}\n`);
  }
}

/** In-process store: for `clave serve --ephemeral` and tests. */
export class MemorySecretStore implements SecretStore {
  private readonly values = new Map<string, string>();

  async get(key: string): Promise<string | null> {
    checkKey(key);
    return this.values.get(key) ?? null;
  }

  async set(key: string, value: string): Promise<void> {
    checkKey(key);
    this.values.set(key, value);
  }

  async delete(key: string): Promise<void> {
    checkKey(key);
    this.values.delete(key);
  }
}

function checkKey(key: string): void {
  if (!KeySchema.safeParse(key).success) {
    throw new SecretStoreError({
      code: 'secrets.invalid-key',
      what: 'Invalid secret name',
      why: `"${key}" is not a valid secret name.`,
      fix: 'This is a bug in the caller; report it.',
    });
  }
}
