// The VM's answer to a collect, read as it streams: a header line `clave-sync <state> <bytes>`,
// then exactly that many bytes of bundle, written to a file. A size over the limit stops the
// command in the VM at once (through the abort signal) instead of filling this Mac's disk.
import type { Writable } from 'node:stream';
import { HostError } from '../../host/errors';
import { mb } from './carried';
import { COLLECT_HEADER } from './guest-scripts';

const MAX_HEADER = 256;

export interface Collected {
  state: string;
  bytes: number;
}

export class BundleReceiver {
  private readonly abort = new AbortController();
  private header = Buffer.alloc(0);
  private parsed: Collected | null = null;
  private received = 0;
  /** Why the stream was refused (the command was stopped), or null. */
  error: HostError | null = null;

  constructor(
    private readonly out: Writable,
    private readonly maxBytes: number,
  ) {}

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  readonly push = (chunk: Buffer): void => {
    if (this.error) return;
    if (this.parsed === null) {
      this.header = Buffer.concat([this.header, chunk]);
      const end = this.header.indexOf(0x0a);
      if (end === -1) {
        if (this.header.length > MAX_HEADER) this.refuse(this.malformed());
        return;
      }
      const m = new RegExp(`^${COLLECT_HEADER} ([0-9a-f]{40,64}) (\\d+)$`).exec(
        this.header.subarray(0, end).toString('utf8'),
      );
      if (!m) return this.refuse(this.malformed());
      this.parsed = { state: m[1] ?? '', bytes: Number(m[2]) };
      if (this.parsed.bytes > this.maxBytes) {
        return this.refuse(
          new HostError({
            code: 'sync.too-large',
            what: "The VM's work is too large to bring back",
            why: `Its bundle is ${mb(this.parsed.bytes)}, over the limit of ${mb(this.maxBytes)}.`,
            fix: 'Remove large files from the work in the VM (or from its git history), then sync again.',
          }),
        );
      }
      chunk = this.header.subarray(end + 1);
      this.header = Buffer.alloc(0);
    }
    this.received += chunk.length;
    if (this.received > (this.parsed?.bytes ?? 0)) return this.refuse(this.malformed());
    if (chunk.length > 0) this.out.write(chunk);
  };

  /** What the VM sent, once the command ended well: null when the header or the size is wrong. */
  result(): Collected | null {
    if (this.parsed === null || this.received !== this.parsed.bytes) return null;
    return this.parsed;
  }

  private refuse(error: HostError): void {
    this.error = error;
    this.abort.abort();
  }

  private malformed(): HostError {
    return new HostError({
      code: 'sync.collect-failed',
      what: "Could not bring the VM's work back",
      why: 'The VM answered with something other than the header and bundle Clave asked for.',
      fix: "Check the VM's shell startup files print nothing for non-interactive commands, then sync again.",
    });
  }
}
