// Following one VM resource: `GET /vms/{name}?watch=true` (ndjson of {type, object}), reopened
// when the stream ends or breaks. Each (re)open first reads the VM as it is, so a change made
// while no stream was open is never missed; a 404 then means it was deleted meanwhile.
import { setTimeout as sleep } from 'node:timers/promises';
import type { OrchardClient } from './client';
import { OrchardError } from './errors';
import { WatchEvent, type Vm } from './schema';

/** The longest ndjson line accepted: one VM resource is a few kB. */
const MAX_LINE_BYTES = 1024 * 1024;

export interface FollowHandlers {
  /** The VM as it is now (first read, and every ADDED/MODIFIED). */
  onVm(vm: Vm): void;
  /** The resource is gone (DELETED, or 404 on a re-read). Following stops. */
  onGone(): void;
  /** The stream broke or could not be opened; it is tried again (for the VM's log). */
  onTrouble(error: Error): void;
}

export interface FollowOptions {
  /** Pause before reopening, growing to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
  /**
   * A stream silent this long is reopened (and the VM re-read): a quiet VM is normal, a
   * controller that stopped answering is not, and the two look the same. Default 60 s.
   */
  idleMs?: number;
}

/** Follows `name` until `signal` aborts or the VM is gone. Never rejects. */
export async function followVm(
  client: OrchardClient,
  name: string,
  handlers: FollowHandlers,
  signal: AbortSignal,
  options: FollowOptions = {},
): Promise<void> {
  const first = options.retryMs ?? 1000;
  let pause = first;
  const idleMs = options.idleMs ?? 60_000;
  while (!signal.aborted) {
    const idle = new AbortController();
    let timer = setTimeout(() => idle.abort(), idleMs);
    const heard = () => {
      clearTimeout(timer);
      timer = setTimeout(() => idle.abort(), idleMs);
    };
    try {
      handlers.onVm(await client.getVm(name, signal));
      const res = await client.watchVm(name, AbortSignal.any([signal, idle.signal]));
      pause = first;
      for await (const event of events(res, heard)) {
        if (event.type === 'DELETED') {
          handlers.onGone();
          return;
        }
        handlers.onVm(event.object);
      }
      // The controller ended the stream (a restart, a proxy's idle timeout): reopen.
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof OrchardError && error.code === 'orchard.not-found') {
        handlers.onGone();
        return;
      }
      // Silence is reopened at once and quietly; a failure is logged and retried after a pause.
      if (idle.signal.aborted) continue;
      handlers.onTrouble(error as Error);
    } finally {
      clearTimeout(timer);
    }
    await sleep(pause, undefined, { signal }).catch(() => {});
    pause = Math.min(pause * 2, options.maxRetryMs ?? 5000);
  }
}

/** The watch events of an ndjson body; a line that is not one is an error (stream reopened). */
async function* events(res: Response, heard: () => void): AsyncGenerator<WatchEvent> {
  if (!res.body) return;
  let buffered = '';
  const decoder = new TextDecoder();
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    heard();
    buffered += decoder.decode(chunk, { stream: true });
    if (buffered.length > MAX_LINE_BYTES && !buffered.includes('\n'))
      throw new Error(`a watch line over ${MAX_LINE_BYTES} bytes`);
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line === '') continue;
      yield parseEvent(line);
    }
  }
}

function parseEvent(line: string): WatchEvent {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new Error('a watch line that is not JSON');
  }
  const parsed = WatchEvent.safeParse(json);
  if (!parsed.success) throw new Error('a watch line that is not a VM event');
  return parsed.data;
}
