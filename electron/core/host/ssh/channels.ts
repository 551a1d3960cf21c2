// Channel plumbing shared by exec and PTY: exit status, signals, bounded output, aborts.
import type { ClientChannel } from 'ssh2';
import type { ChannelExit } from './types';

export const channelExits = new WeakMap<ClientChannel, ChannelExit>();

/** How a channel opened by this adapter ended (complete once it has emitted 'close'). */
export function channelExit(channel: ClientChannel): ChannelExit {
  return channelExits.get(channel) ?? { code: null, signal: null };
}

/**
 * Send a signal request (OpenSSH delivers it with killpg to the command's process group).
 * ssh2's public `channel.signal()` silently drops it once our side has sent EOF (stdin closed),
 * which is the normal state of an exec channel, so the request goes through the channel's
 * protocol object when that is available. The exec timeout test checks the command really dies.
 */
export function signalChannel(channel: ClientChannel, name: string): void {
  const internals = channel as unknown as {
    outgoing?: { id?: number; state?: string };
    _client?: { _protocol?: { signal?: (id: number, signal: string) => void } };
  };
  const id = internals.outgoing?.id;
  const protocol = internals._client?._protocol;
  try {
    const state = internals.outgoing?.state;
    if (
      (state === 'open' || state === 'eof') &&
      id !== undefined &&
      typeof protocol?.signal === 'function'
    ) {
      protocol.signal(id, name);
    } else {
      channel.signal(name);
    }
  } catch {
    // Not every server supports signals; closing the channel still ends our side.
  }
}

/** Keeps the last `max` bytes of a stream. */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly max: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.max && this.chunks.length > 1) {
      const first = this.chunks.shift();
      this.size -= first?.length ?? 0;
    }
  }

  text(): string {
    const all = Buffer.concat(this.chunks);
    return (all.length > this.max ? all.subarray(all.length - this.max) : all).toString('utf8');
  }
}

export function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}
