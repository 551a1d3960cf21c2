import { describe, expect, it } from 'vitest';
import { Settings } from '../../../shared/settings';
import { MemorySecretStore } from '../host/secret-store';
import { OrchardService } from '../vm/orchard/credentials';
import { orchardCheck } from './orchard';
import { doctorContext } from './testing/context';

function ctxWith(backend: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) {
  const settings = Settings.parse({ backend });
  const orchard = new OrchardService({
    settings: { current: () => settings, update: () => ({ ok: false, errors: [] }) },
    secrets: new MemorySecretStore(),
    env,
    client: { timeoutMs: 2000 },
  });
  return doctorContext({ settings, orchard });
}

const run = (ctx: ReturnType<typeof ctxWith>) =>
  orchardCheck.run(ctx, new AbortController().signal);

describe('the Orchard doctor check', () => {
  it('is skipped when Orchard is neither set up nor chosen', async () => {
    expect(await run(ctxWith({}))).toMatchObject({ status: 'skip' });
  });

  it('fails when Orchard is chosen but not set up, with the command that sets it up', async () => {
    expect(await run(ctxWith({ kind: 'orchard' }))).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('clave orchard connect'),
    });
  });

  it('names the controller that does not answer, and where its settings came from', async () => {
    const r = await run(
      ctxWith(
        { kind: 'orchard' },
        { CLAVE_ORCHARD_URL: 'http://127.0.0.1:1/v1', CLAVE_ORCHARD_ACCOUNT: 'ci:secret-tok' },
      ),
    );
    expect(r.status).toBe('fail');
    expect(r.detail).toContain('ci at http://127.0.0.1:1/v1 (from the environment)');
    expect(r.detail).toContain('cannot be reached');
    expect(JSON.stringify(r)).not.toContain('secret-tok');
  });
});
