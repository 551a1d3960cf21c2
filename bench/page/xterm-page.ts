// The rendering limit: an xterm made exactly as the app makes its terminals (same options, same
// renderer choice), fed bytes straight from memory with xterm's own flow control. No network,
// no host, no React: what drawing alone costs in this browser. Also the same bytes over a plain
// WebSocket (no Clave host), framed, decoded and acknowledged as the app does: what the browser's
// delivery adds.
import { Terminal } from '@xterm/xterm';
import { decodeFrame } from '../../shared/wire';
import { createAckBatcher } from '../../renderer/src/terminal/ack';
import { loadRenderer, TERMINAL_OPTIONS } from '../../renderer/src/terminal/options';

const CHUNK = 64 * 1024;
/** xterm drops data past 50 MB pending; stay far below, as its docs ask. */
const MAX_PENDING = 4 * 1024 * 1024;

const term = new Terminal(TERMINAL_OPTIONS);
term.open(document.getElementById('term')!);
const renderer = loadRenderer(term);
let data = new Uint8Array();

const bench = {
  renderer: () => renderer(),
  resize: (cols: number, rows: number) => term.resize(cols, rows),
  /** Fetches the flood as a terminal receives it from a PTY (LF → CRLF); returns its bytes. */
  async load(url: string): Promise<number> {
    const text = (await (await fetch(url)).text()).replace(/\n/g, '\r\n');
    data = new TextEncoder().encode(text);
    term.reset();
    return data.length;
  },
  /** Writes all of it; resolves with the ms until xterm has processed the last chunk. */
  write(): Promise<number> {
    const t0 = performance.now();
    return new Promise((resolve) => {
      let next = 0;
      let pending = 0;
      const pump = () => {
        while (next < data.length && pending < MAX_PENDING) {
          const chunk = data.subarray(next, next + CHUNK);
          next += chunk.length;
          pending += chunk.length;
          const last = next >= data.length;
          term.write(chunk, () => {
            pending -= chunk.length;
            if (last) requestAnimationFrame(() => resolve(performance.now() - t0));
            else pump();
          });
        }
      };
      pump();
    });
  },
  /**
   * Receives `total` bytes from a WebSocket (the host's binary frames), writes each to xterm and
   * acknowledges what xterm processed as the app does (bench/lib/plain-socket.ts waits for the
   * acks); resolves with the ms from opening to the frame after the last one was processed.
   */
  socket(url: string, total: number): Promise<number> {
    term.reset();
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.binaryType = 'arraybuffer';
      const ack = createAckBatcher((n) => ws.send(String(n)));
      let done = 0;
      ws.onerror = () => reject(new Error(`WebSocket ${url} failed`));
      ws.onmessage = (e: MessageEvent<ArrayBuffer>) => {
        const chunk = (decodeFrame(e.data) as { payload: { data: Uint8Array } }).payload.data;
        term.write(chunk, () => {
          ack.rendered(chunk.length);
          done += chunk.length;
          if (done < total) return;
          ack.dispose();
          ws.close();
          requestAnimationFrame(() => resolve(performance.now() - t0));
        });
      };
    });
  },
};
(window as unknown as { bench: typeof bench }).bench = bench;
