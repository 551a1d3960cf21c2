import { describe, expect, it } from 'vitest';
import { createFakeApi } from '../shared/testing/fake-api';
import { utf8 } from '../shared/wire';
import { attachTerminal } from './terminal';

describe('clave exec / ssh attach', () => {
  it('a command that ends before terminal.open answers still returns its output and code', async () => {
    const api = createFakeApi();
    const written: Buffer[] = [];
    const write = process.stdout.write.bind(process.stdout);
    // The host's events can overtake its answer (ssh2 parses open, output, exit and close from one
    // read): the exit must not be lost, or `clave exec` waits forever.
    api.handle('terminal.open', async () => {
      api.emit('terminal.data', { terminalId: 't1', data: utf8('hello\n') });
      api.emit('terminal.exit', { terminalId: 't1', exitCode: 7 });
      return { terminalId: 't1' };
    });
    api.handle('terminal.ack', () => null);
    process.stdout.write = ((chunk: string | Uint8Array, cb?: () => void) => {
      if (chunk.length) written.push(Buffer.from(chunk));
      cb?.();
      return true;
    }) as typeof process.stdout.write;
    try {
      const code = await Promise.race([
        attachTerminal(api, { sessionId: 'a1b2c3d4', kind: 'exec', command: ['true'] }),
        new Promise((r) => setTimeout(() => r('hung'), 2000)),
      ]);
      expect(code).toBe(7);
    } finally {
      process.stdout.write = write;
    }
    expect(Buffer.concat(written).toString()).toBe('hello\n');
  });
});
