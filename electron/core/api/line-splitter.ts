// Newline-delimited messages from a byte stream, bounded: a line (or the tail still waiting for
// its newline) past `maxBytes` is refused as soon as it passes the limit, and nothing more is
// buffered, so a face that never sends a newline cannot grow the host's memory.
export interface LineSplitter {
  /** Feed a chunk; returns false once the limit was passed (the splitter then ignores input). */
  push(chunk: Buffer): boolean;
}

export function createLineSplitter(maxBytes: number, onLine: (line: string) => void): LineSplitter {
  let parts: Buffer[] = [];
  let size = 0;
  let overflowed = false;
  const overflow = () => {
    overflowed = true;
    parts = [];
    size = 0;
    return false;
  };
  return {
    push(chunk) {
      if (overflowed) return false;
      let start = 0;
      for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
        if (size + nl - start > maxBytes) return overflow();
        parts.push(chunk.subarray(start, nl));
        const line = Buffer.concat(parts).toString('utf8');
        parts = [];
        size = 0;
        start = nl + 1;
        onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
        if (overflowed) return false;
      }
      if (size + chunk.length - start > maxBytes) return overflow();
      if (start < chunk.length) {
        // A copy: holding a view would keep the whole chunk alive.
        parts.push(Buffer.from(chunk.subarray(start)));
        size += chunk.length - start;
      }
      return true;
    },
  };
}
