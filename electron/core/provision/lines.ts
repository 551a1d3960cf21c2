// Turns a stream of chunks into whole lines. `\n`, `\r\n` and a lone `\r` (progress redraws)
// all end a line; a `\r\n` or a multi-byte character split across chunks is handled.
import { StringDecoder } from 'node:string_decoder';

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer | string): void {
    let text = this.pending + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    // A trailing \r may be the first half of \r\n: decide when the next chunk arrives.
    const held = text.endsWith('\r') ? '\r' : '';
    if (held) text = text.slice(0, -1);
    const parts = text.split(/\r\n|\n|\r/);
    this.pending = (parts.pop() ?? '') + held;
    for (const line of parts) this.onLine(line);
  }

  /** Emit what is left (a last line without a newline). */
  end(): void {
    const rest = (this.pending + this.decoder.end()).replace(/\r$/, '');
    this.pending = '';
    if (rest !== '') this.onLine(rest);
  }
}
