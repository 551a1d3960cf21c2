import { describe, expect, it } from 'vitest';
import { ClientSet } from '../core/api/connection';
import { StepAbort } from '../core/problem';
import { createLocalApi } from './local-api';
import { summary } from './testing/fake-api';

describe('the main process’s own API client', () => {
  it('dispatches like any face, turns failures into Problems and hears broadcasts', async () => {
    const clients = new ClientSet();
    const seen: unknown[] = [];
    const local = createLocalApi(async (request) => {
      const { method } = request as { method: string };
      if (method === 'sessions.list') return [];
      throw new StepAbort({ what: 'No session x', fix: 'List them.' });
    }, clients);
    expect(await local.api.call('sessions.list', {})).toEqual([]);
    await expect(local.api.call('sessions.get', { id: 'xxxxxxxx' })).rejects.toMatchObject({
      problem: { what: 'No session x', fix: 'List them.' },
    });
    const off = local.api.on('session.updated', (s) => seen.push(s.id));
    clients.send('session.updated', summary());
    off();
    clients.send('session.updated', summary());
    expect(seen).toEqual(['a1b2c3d4']);
    local.close();
  });
});
