// Per-VM run logs: rotated when large, read from an offset.
import { open, rename, stat } from 'node:fs/promises';

export const MAX_LOG_BYTES = 5 * 1024 * 1024;

// ---------------------------------------------------------------- the adapter

export async function rotateIfLarge(logPath: string): Promise<void> {
  try {
    if ((await stat(logPath)).size > MAX_LOG_BYTES) await rename(logPath, `${logPath}.1`);
  } catch {
    // no log yet
  }
}

export async function readFrom(file: string, offset: number): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const start = Math.max(offset, size - 256 * 1024);
    const buffer = Buffer.alloc(Math.max(0, size - start));
    await fh.read(buffer, 0, buffer.length, start);
    return buffer.toString('utf8');
  } finally {
    await fh.close();
  }
}
