// An interactive terminal channel in the VM.
import type { ClientChannel } from 'ssh2';
import { channelExit } from './channels';
import { SshError } from './errors';
import type { ChannelExit } from './types';

/** A PTY channel: a terminal in the VM. `channel` is the raw duplex for piping. */
export class PtyChannel {
  readonly exited: Promise<ChannelExit>;

  constructor(readonly channel: ClientChannel) {
    this.exited = new Promise((resolve) =>
      channel.once('close', () => resolve(channelExit(channel))),
    );
    // stderr is merged into the PTY by the server; drain it anyway so it never blocks.
    channel.stderr.on('data', () => {});
  }

  onData(listener: (chunk: Buffer) => void): () => void {
    this.channel.on('data', listener);
    return () => this.channel.off('data', listener);
  }

  /** Returns false when the channel's buffer is full (wait for 'drain'). */
  write(data: string | Buffer): boolean {
    return this.channel.write(data);
  }

  resize(cols: number, rows: number): void {
    const size = validSize(cols, rows);
    this.channel.setWindow(size.rows, size.cols, 0, 0);
  }

  /** Flow control: stop reading from the VM until `resume` (ssh window fills, the VM waits). */
  pause(): void {
    this.channel.pause();
  }

  resume(): void {
    this.channel.resume();
  }

  close(): void {
    this.channel.close();
  }
}

export function validSize(cols: number, rows: number): { cols: number; rows: number } {
  if (
    !Number.isInteger(cols) ||
    !Number.isInteger(rows) ||
    cols < 1 ||
    rows < 1 ||
    cols > 1000 ||
    rows > 1000
  ) {
    throw new SshError({
      code: 'ssh.invalid-input',
      what: 'Invalid terminal size',
      why: `${cols}x${rows} is not a usable size.`,
      fix: 'This is a bug in the caller; report it.',
    });
  }
  return { cols, rows };
}
