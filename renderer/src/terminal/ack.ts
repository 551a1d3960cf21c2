// Flow control, face side: output bytes are acknowledged only once xterm has processed them (its
// write callback), and acknowledgements are batched so a flood of small chunks does not become a
// flood of calls. The host pauses the ssh channel while too much is unacknowledged, so a window
// that cannot keep up slows the agent down instead of freezing or growing without bound.
export interface AckBatcher {
  /** xterm processed `bytes` more bytes. */
  rendered(bytes: number): void;
  /** Send what is pending now (e.g. before closing). */
  flush(): void;
  dispose(): void;
}

/**
 * Bytes acknowledged at once during a flood. Each ack is a message each way (the call and its
 * reply) on the same main thread that draws, so per 32 KB they cost a flood a tenth of its speed;
 * 256 KB (one of the host's biggest messages) is still far inside the host's 2 MiB between its
 * pause and resume marks, so output keeps flowing.
 */
export const ACK_THRESHOLD = 256 * 1024;

export function createAckBatcher(
  send: (bytes: number) => void,
  options: { threshold?: number; delayMs?: number } = {},
): AckBatcher {
  const threshold = options.threshold ?? ACK_THRESHOLD;
  const delayMs = options.delayMs ?? 25;
  let pending = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (pending > 0 && !disposed) send(pending);
    pending = 0;
  };

  return {
    rendered(bytes) {
      if (disposed || bytes <= 0) return;
      pending += bytes;
      if (pending >= threshold) flush();
      else timer ??= setTimeout(flush, delayMs);
    },
    flush,
    dispose() {
      if (timer) clearTimeout(timer);
      timer = null;
      disposed = true;
    },
  };
}
