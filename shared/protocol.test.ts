import { describe, expect, it } from 'vitest';
import { createRpcClient } from './protocol';
import { encodeFrame, encodeText, utf8 } from './wire';

describe('RPC client', () => {
  it('delivers known events only, and survives a message that is not JSON', () => {
    const rpc = createRpcClient(() => {});
    const seen: string[] = [];
    rpc.api.on('terminal.data', (e) => seen.push(Buffer.from(e.data).toString()));
    for (const event of ['__proto__', 'constructor', 'toString'])
      rpc.receive(encodeText({ event, payload: { terminalId: 't', data: utf8(event) } }));
    rpc.receive('not json {');
    rpc.receive(new Uint8Array([0, 0, 0, 99, 1]));
    rpc.receive(
      encodeText({ event: 'terminal.data', payload: { terminalId: 't', data: utf8('ok') } }),
    );
    // The WebSocket's binary frame (as an ArrayBuffer, the page's binaryType).
    const frame = encodeFrame({
      event: 'terminal.data',
      payload: { terminalId: 't', data: utf8('é!') },
    });
    rpc.receive((frame as Uint8Array).slice().buffer);
    expect(seen).toEqual(['ok', 'é!']);
  });

  it('fails pending calls and waiters once the connection closes, and later calls at once', async () => {
    const rpc = createRpcClient(() => {}, { lostFix: 'Start the host again.' });
    const call = rpc.api.call('sessions.list', {});
    const waiting = rpc.untilClosed(new Promise(() => {}));
    const answered = rpc.untilClosed(Promise.resolve(7));
    await expect(answered).resolves.toBe(7);
    rpc.close('the host went away');
    const lost = {
      problem: {
        what: 'Connection to Clave lost',
        why: 'the host went away',
        fix: 'Start the host again.',
      },
    };
    await expect(call).rejects.toMatchObject(lost);
    await expect(waiting).rejects.toMatchObject(lost);
    await expect(rpc.api.call('app.info', {})).rejects.toMatchObject(lost);
    await expect(rpc.untilClosed(new Promise(() => {}))).rejects.toMatchObject(lost);
  });
});
