import { describe, expect, it } from 'vitest';
import { createRpcClient } from './protocol';

describe('RPC client', () => {
  it('delivers known events only, and survives a message that is not JSON', () => {
    const rpc = createRpcClient(() => {});
    const seen: string[] = [];
    rpc.api.on('terminal.data', (e) => seen.push(e.data));
    for (const event of ['__proto__', 'constructor', 'toString'])
      rpc.receive(JSON.stringify({ event, payload: { terminalId: 't', data: event } }));
    rpc.receive('not json {');
    rpc.receive(
      JSON.stringify({ event: 'terminal.data', payload: { terminalId: 't', data: 'ok' } }),
    );
    expect(seen).toEqual(['ok']);
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
