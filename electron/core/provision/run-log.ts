// The full log of one provision run: Clave's notes, tart's output and the guest's, timestamped.
// Passwords and script env values never reach it (callers log names, not values).
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

export class RunLog {
  private stream: WriteStream | null = null;
  file: string | null = null;

  async open(dir: string, runId: string): Promise<void> {
    await mkdir(dir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    this.file = path.join(dir, `provision-${stamp}-${runId}.log`);
    this.stream = createWriteStream(this.file, { flags: 'a', mode: 0o600 });
  }

  /** Clave's own line. */
  note(message: string): void {
    this.write(`clave| ${message}`);
  }

  write(line: string): void {
    this.stream?.write(`${new Date().toISOString()} ${line}\n`);
  }

  async close(): Promise<void> {
    const stream = this.stream;
    this.stream = null;
    if (stream) await new Promise<void>((resolve) => stream.end(() => resolve()));
  }
}
