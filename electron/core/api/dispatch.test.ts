import { describe, expect, it } from 'vitest';
import { createDispatcher } from './dispatch';

const dispatch = createDispatcher({
  'app.info': () => ({ name: 'Clave', version: '1.2.3', platform: 'linux', face: 'web' }),
});

describe('API dispatcher', () => {
  it('serves a valid request', async () => {
    await expect(dispatch({ method: 'app.info', params: {} })).resolves.toMatchObject({
      version: '1.2.3',
    });
  });

  it('rejects unknown methods and bad params before any handler runs', async () => {
    await expect(dispatch({ method: 'fs.delete', params: {} })).rejects.toThrow(/Malformed/);
    await expect(dispatch({ method: 'app.info', params: { x: 1 } })).rejects.toThrow(/Invalid/);
    await expect(dispatch('app.info')).rejects.toThrow(/Malformed/);
  });
});
