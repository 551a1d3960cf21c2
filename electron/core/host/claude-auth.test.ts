import { describe, expect, it } from 'vitest';
import { ClaudeAuth, ClaudeAuthError, STORED_TOKEN_KEY } from './claude-auth';
import { MemorySecretStore } from './secret-store';

const OAUTH = 'sk-ant-oat01-abcdefghijklmnopqrstuvwxyz0123456789';
const API = 'sk-ant-api03-ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210';

function auth(env: NodeJS.ProcessEnv, store = new MemorySecretStore()) {
  return {
    auth: new ClaudeAuth({ store, env: { PATH: '/nonexistent', SHELL: '', ...env } }),
    store,
  };
}

describe('ClaudeAuth.resolve', () => {
  it('prefers ANTHROPIC_API_KEY, then CLAUDE_CODE_OAUTH_TOKEN, then the stored token', async () => {
    const store = new MemorySecretStore();
    await store.set(STORED_TOKEN_KEY, 'sk-ant-oat01-stored-token-value');
    expect(
      await auth({ ANTHROPIC_API_KEY: API, CLAUDE_CODE_OAUTH_TOKEN: OAUTH }, store).auth.resolve(),
    ).toEqual({
      method: 'api-key',
      envVar: 'ANTHROPIC_API_KEY',
      value: API,
      source: 'env',
    });
    expect(await auth({ CLAUDE_CODE_OAUTH_TOKEN: ` ${OAUTH}\n` }, store).auth.resolve()).toEqual({
      method: 'oauth-token',
      envVar: 'CLAUDE_CODE_OAUTH_TOKEN',
      value: OAUTH,
      source: 'env',
    });
    expect(
      await auth({ ANTHROPIC_API_KEY: '  ', CLAUDE_CODE_OAUTH_TOKEN: '' }, store).auth.resolve(),
    ).toEqual({
      method: 'oauth-token',
      envVar: 'CLAUDE_CODE_OAUTH_TOKEN',
      value: 'sk-ant-oat01-stored-token-value',
      source: 'store',
    });
    expect(await auth({}).auth.resolve()).toBeNull();
  });

  it('reports status with a masked hint only', async () => {
    const status = await auth({ ANTHROPIC_API_KEY: API }).auth.status();
    expect(status).toEqual({
      authenticated: true,
      method: 'api-key',
      source: 'env',
      envVar: 'ANTHROPIC_API_KEY',
      hint: 'sk-ant-api03-…3210',
    });
    expect(JSON.stringify(status)).not.toContain(API.slice(13, 30));
    expect(await auth({}).auth.status()).toEqual({ authenticated: false });
  });
});

describe('ClaudeAuth.storeToken and clear', () => {
  it('stores a pasted token without wrap whitespace, and clears it', async () => {
    const { auth: a, store } = auth({});
    const status = await a.storeToken(`${OAUTH.slice(0, 20)}\n  ${OAUTH.slice(20)}\n`);
    expect(await store.get(STORED_TOKEN_KEY)).toBe(OAUTH);
    expect(status).toMatchObject({ authenticated: true, source: 'store' });
    await a.clear();
    expect(await store.get(STORED_TOKEN_KEY)).toBeNull();
    expect(await a.status()).toEqual({ authenticated: false });
    await a.clear();
  });

  it('refuses what is not a subscription token, saying why', async () => {
    const { auth: a, store } = auth({});
    for (const [input, pattern] of [
      ['', /Nothing was pasted/],
      ['hello world', /not a Claude token/],
      [API, /ANTHROPIC_API_KEY/],
    ] as const) {
      const error = await a.storeToken(input).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ClaudeAuthError);
      expect((error as ClaudeAuthError).code).toBe('claude.invalid-token');
      expect((error as ClaudeAuthError).why).toMatch(pattern);
      expect(JSON.stringify((error as ClaudeAuthError).toJSON())).not.toContain(API.slice(13));
    }
    expect(await store.get(STORED_TOKEN_KEY)).toBeNull();
  });

  it('does not touch environment credentials on clear', async () => {
    const { auth: a } = auth({ CLAUDE_CODE_OAUTH_TOKEN: OAUTH });
    await a.clear();
    expect((await a.resolve())?.source).toBe('env');
  });
});
