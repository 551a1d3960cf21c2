import { describe, expect, it, vi } from 'vitest';
import { createAckBatcher } from './ack';

describe('ack batcher', () => {
  it('batches small acknowledgements and sends big ones at once', () => {
    vi.useFakeTimers();
    const sent: number[] = [];
    const ack = createAckBatcher((n) => sent.push(n), { threshold: 100, delayMs: 20 });
    ack.rendered(10);
    ack.rendered(20);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(25);
    expect(sent).toEqual([30]);
    ack.rendered(60);
    ack.rendered(50);
    expect(sent).toEqual([30, 110]);
    ack.rendered(5);
    ack.flush();
    expect(sent).toEqual([30, 110, 5]);
    ack.dispose();
    ack.rendered(500);
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([30, 110, 5]);
    vi.useRealTimers();
  });
});
