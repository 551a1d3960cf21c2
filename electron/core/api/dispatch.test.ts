import { describe, expect, it } from 'vitest';
import { createDispatcher, type ApiHandlers, type Client } from './dispatch';

const seen: unknown[] = [];
const dispatch = createDispatcher({
  'app.info': () => ({ name: 'Clave', version: '1.2.3', platform: 'linux', face: 'web' }),
  'sessions.get': (params: unknown) => {
    seen.push(params);
    return { bogus: true };
  },
} as unknown as ApiHandlers);
const client: Client = { id: 'c1', send: () => {}, onClose: () => {} };

describe('API dispatcher', () => {
  it('serves a valid request', async () => {
    await expect(dispatch({ method: 'app.info', params: {} }, client)).resolves.toMatchObject({
      version: '1.2.3',
    });
  });

  it('rejects unknown methods and bad params before any handler runs', async () => {
    await expect(dispatch({ method: 'fs.delete', params: {} }, client)).rejects.toThrow(
      /Malformed/,
    );
    await expect(dispatch({ method: 'app.info', params: { x: 1 } }, client)).rejects.toThrow(
      /Invalid/,
    );
    await expect(
      dispatch({ method: 'sessions.get', params: { id: '../../etc' } }, client),
    ).rejects.toThrow(/id: a session id/);
    await expect(dispatch('app.info', client)).rejects.toThrow(/Malformed/);
    expect(seen).toEqual([]);
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'])(
    'answers %s, a name every object inherits, as an unknown method',
    async (method) => {
      await expect(dispatch({ method, params: {} }, client)).rejects.toThrow(
        'Malformed request: unknown method',
      );
      await expect(dispatch({ method: 'app.info', params: {} }, client)).resolves.toMatchObject({
        name: 'Clave',
      });
    },
  );

  it('refuses to send a result that breaks the contract', async () => {
    await expect(
      dispatch({ method: 'sessions.get', params: { id: 'a1b2c3d4' } }, client),
    ).rejects.toThrow();
  });
});
