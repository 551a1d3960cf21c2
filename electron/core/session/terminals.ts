// Terminal streams between a face and a channel in a VM, with flow control: output is sent to the
// face as it arrives, but once the face has more than HIGH_WATER bytes it has not rendered
// (acknowledged), the channel is paused, so ssh's window closes and the agent's writes block in
// the VM instead of piling up in memory here or freezing the window. Output stays bytes from the
// channel to the face (xterm decodes UTF-8 itself): nothing here decodes, re-encodes or escapes it.
import { randomUUID } from 'node:crypto';
import type { Client } from '../api/dispatch';

// The marks are sized for throughput × round trip: the channel resumes while the face still has
// LOW_WATER bytes to draw, so the next output arrives before it runs dry even when an ack's
// round trip (face → host → channel → face) takes a few hundred ms on a loaded machine. With
// 512K/128K a busy 2-core machine drew a flood at 0.41× of xterm's own speed, idle a third of the
// time waiting for acks; with these, 0.86× (npm run bench -- terminal, DOM renderer). The bound
// per terminal: HIGH_WATER bytes on their way to the face, plus ssh2's 2 MiB channel buffer.
export const HIGH_WATER = 4 * 1024 * 1024;
export const LOW_WATER = 2 * 1024 * 1024;
/**
 * Output goes to the face in messages of up to about this many bytes: a PTY hands sshd ~4 KB
 * at a time and ssh2 emits a channel packet (≤ 32 KB) at a time, and a face pays per message (a
 * WebSocket or IPC hop, a task, an xterm write), so a flood in small messages drew at a
 * fraction of xterm's speed.
 */
export const MESSAGE_BYTES = 256 * 1024;
/**
 * While the face still has MESSAGE_BYTES or more sent and not drawn, new output waits this long
 * to join the next message (it could not be drawn sooner anyway). Otherwise output leaves when
 * the event loop's turn ends, so a keystroke's echo is never held back.
 */
export const COALESCE_MS = 8;

/** What a terminal needs of a channel: ssh2's ClientChannel satisfies it. */
export interface TerminalChannel {
  write(data: string | Buffer): unknown;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  once(event: 'close', listener: () => void): unknown;
  on(event: 'exit', listener: (code: number | null) => void): unknown;
  pause(): unknown;
  resume(): unknown;
  close(): unknown;
  setWindow?(rows: number, cols: number, height: number, width: number): unknown;
  stderr?: { on(event: 'data', listener: (chunk: Buffer) => void): unknown };
}

interface Terminal {
  id: string;
  sessionId: string;
  client: Client;
  channel: TerminalChannel;
  unacked: number;
  paused: boolean;
  exitCode: number | null;
  closed: boolean;
  /** Output not sent yet (sent when this turn of the event loop ends), and its size. */
  pending: Buffer[];
  pendingBytes: number;
  flush(): void;
}

export class UnknownTerminalError extends Error {
  constructor(id: string) {
    super(`No open terminal ${id}. It may have ended; open a new one.`);
  }
}

export class Terminals {
  private readonly open = new Map<string, Terminal>();

  /**
   * Starts streaming `channel` to `client`. `exitCode` reads how the channel ended, when its
   * owner records that (ssh2 may emit 'exit' before anyone listens); `beforeExit` runs before
   * the face hears of the end.
   */
  attach(
    sessionId: string,
    client: Client,
    channel: TerminalChannel,
    options: {
      exitCode?: () => number | null;
      beforeExit?: () => Promise<void>;
      /** When the channel closes: a new one to carry on with (the connection came back), or null. */
      reopen?: () => Promise<TerminalChannel | null>;
    } = {},
  ): string {
    const t: Terminal = {
      id: randomUUID(),
      sessionId,
      client,
      channel,
      unacked: 0,
      paused: false,
      exitCode: null,
      closed: false,
      pending: [],
      pendingBytes: 0,
      flush: () => {
        scheduled = false;
        clearTimeout(timer);
        if (!t.pendingBytes) return;
        const data = t.pending.length === 1 ? t.pending[0]! : Buffer.concat(t.pending);
        t.pending = [];
        t.pendingBytes = 0;
        client.send('terminal.data', { terminalId: t.id, data });
      },
    };
    let scheduled = false;
    let timer: NodeJS.Timeout | undefined;
    const flushSoon = () => {
      if (scheduled) return;
      scheduled = true;
      if (t.unacked - t.pendingBytes >= MESSAGE_BYTES) timer = setTimeout(t.flush, COALESCE_MS);
      else setImmediate(t.flush);
    };
    this.open.set(t.id, t);
    const wire = (ch: TerminalChannel) => {
      const forward = (chunk: Buffer) => {
        if (!chunk.length) return;
        t.unacked += chunk.length;
        t.pending.push(chunk);
        t.pendingBytes += chunk.length;
        if (t.pendingBytes >= MESSAGE_BYTES) t.flush();
        else flushSoon();
        if (!t.paused && t.unacked > HIGH_WATER) {
          t.paused = true;
          ch.pause();
        }
      };
      ch.on('data', forward);
      ch.stderr?.on('data', forward);
      ch.on('exit', (code) => (t.exitCode = code));
      ch.once('close', () => void closed());
    };
    const closed = async () => {
      const next = t.closed || !options.reopen ? null : await options.reopen().catch(() => null);
      if (next && !t.closed) {
        t.channel = next;
        t.paused = false;
        t.unacked = 0;
        wire(next);
        return;
      }
      next?.close();
      this.open.delete(t.id);
      t.flush();
      const exitCode = options.exitCode?.() ?? t.exitCode;
      void (options.beforeExit?.() ?? Promise.resolve())
        .catch(() => {})
        .then(() => client.send('terminal.exit', { terminalId: t.id, exitCode }));
    };
    wire(channel);
    // A face that goes away takes its terminals with it; the agent itself lives on in tmux.
    client.onClose(() => this.close(t.id));
    return t.id;
  }

  write(id: string, data: string): void {
    this.get(id).channel.write(data);
  }

  resize(id: string, cols: number, rows: number): void {
    this.get(id).channel.setWindow?.(rows, cols, 0, 0);
  }

  ack(id: string, bytes: number): void {
    const t = this.open.get(id);
    if (!t) return; // late acks after the end are harmless
    t.unacked = Math.max(0, t.unacked - bytes);
    if (t.paused && t.unacked < LOW_WATER) {
      t.paused = false;
      t.channel.resume();
    }
  }

  close(id: string): void {
    const t = this.open.get(id);
    if (!t || t.closed) return;
    t.closed = true;
    t.channel.close();
  }

  /** A line from Clave itself (not the VM) in every terminal of a session. */
  notice(sessionId: string, text: string): void {
    for (const t of this.open.values())
      if (t.sessionId === sessionId && !t.closed) {
        t.flush(); // after the output it follows
        t.client.send('terminal.data', {
          terminalId: t.id,
          data: Buffer.from(`\r\n[Clave] ${text}\r\n`),
        });
      }
  }

  closeSession(sessionId: string): void {
    for (const t of this.open.values()) if (t.sessionId === sessionId) this.close(t.id);
  }

  /** Unacknowledged bytes of a terminal; exposed for the flow-control tests and benchmarks. */
  backlog(id: string): number {
    return this.open.get(id)?.unacked ?? 0;
  }

  private get(id: string): Terminal {
    const t = this.open.get(id);
    if (!t) throw new UnknownTerminalError(id);
    return t;
  }
}
