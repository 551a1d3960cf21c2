import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ClaudeAuth, ClaudeAuthError, STORED_TOKEN_KEY } from './claude-auth';
import { MemorySecretStore } from './secret-store';
import { FAKE_TOKEN, installFakeClaude } from './testing/fake-claude';
import { TempDirs } from './testing/temp-repo';

const temp = new TempDirs();
afterAll(() => temp.cleanup());

function setup(mode: string, extraEnv: NodeJS.ProcessEnv = {}, setupTimeoutMs = 5000) {
  const home = temp.make('clave-home-');
  const bin = path.join(temp.make(), 'bin');
  installFakeClaude(bin);
  const store = new MemorySecretStore();
  const auth = new ClaudeAuth({
    store,
    home,
    env: {
      PATH: `${bin}:/usr/bin:/bin`,
      HOME: home,
      SHELL: '',
      FAKE_CLAUDE_MODE: mode,
      ...extraEnv,
    },
    setupTimeoutMs,
  });
  return { auth, store, home, bin };
}

async function expectAuthError(promise: Promise<unknown>, code: string): Promise<ClaudeAuthError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected ${code}, but it succeeded`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ClaudeAuthError);
  expect((error as ClaudeAuthError).code).toBe(code);
  return error as ClaudeAuthError;
}

describe('setupToken in a real PTY', () => {
  it('captures the printed token, stores it, and never shows it', async () => {
    const { auth, store } = setup('ok', { CLAUDE_CODE_OAUTH_TOKEN: '' });
    let shown = '';
    const session = await auth.setupToken({ onData: (d) => (shown += d) });
    const status = await session.result;
    expect(await store.get(STORED_TOKEN_KEY)).toBe(FAKE_TOKEN);
    expect(status).toEqual({
      authenticated: true,
      method: 'oauth-token',
      source: 'store',
      envVar: 'CLAUDE_CODE_OAUTH_TOKEN',
      hint: `sk-ant-oat01-…${FAKE_TOKEN.slice(-4)}`,
    });
    expect(shown).toContain('Long-lived authentication token created');
    expect(shown).toContain('sk-ant-…(hidden)');
    expect(shown).not.toContain(FAKE_TOKEN.slice(13, 40));
    // A real terminal, wide enough not to wrap the token; no API key leaks into it.
    expect(shown).toMatch(/api-key-seen=none cols=(\d+) term=xterm-256color/);
    expect(Number(/cols=(\d+)/.exec(shown)?.[1])).toBeGreaterThanOrEqual(160);
  });

  it('joins a wrapped token', async () => {
    const { auth, store } = setup('wrapped');
    let shown = '';
    const session = await auth.setupToken({ onData: (d) => (shown += d) });
    await session.result;
    expect(await store.get(STORED_TOKEN_KEY)).toBe(FAKE_TOKEN);
    expect(shown).not.toContain(FAKE_TOKEN.slice(40, 80));
    expect(shown).not.toContain(FAKE_TOKEN.slice(80));
  });

  it('forwards what the user types', async () => {
    const { auth, store } = setup('interactive');
    let shown = '';
    const session = await auth.setupToken({ onData: (d) => (shown += d) });
    const deadline = Date.now() + 5000;
    while (!shown.includes('Paste code here') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    session.write('CODE-123\r');
    await session.result;
    expect(await store.get(STORED_TOKEN_KEY)).toBe(FAKE_TOKEN);
  });

  it('reports a failed sign-in with its output', async () => {
    const { auth, store } = setup('fail');
    const session = await auth.setupToken();
    const error = await expectAuthError(session.result, 'claude.setup-failed');
    expect(error.why).toContain('exited with 1');
    expect(error.detail).toContain('Request failed with status code 403');
    expect(await store.get(STORED_TOKEN_KEY)).toBeNull();
  });

  it('reports a sign-in that printed no token', async () => {
    const { auth } = setup('notoken');
    const session = await auth.setupToken();
    const error = await expectAuthError(session.result, 'claude.no-token');
    expect(error.detail).toContain('Login cancelled');
  });

  it('times out and kills a sign-in that never finishes', async () => {
    const { auth } = setup('hang', {}, 800);
    const started = Date.now();
    const session = await auth.setupToken();
    await expectAuthError(session.result, 'claude.setup-timeout');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('can be cancelled', async () => {
    const { auth } = setup('hang');
    const controller = new AbortController();
    const session = await auth.setupToken({ signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    await expectAuthError(session.result, 'claude.setup-cancelled');
  });

  it('says claude is not installed when it is nowhere to be found', async () => {
    const home = temp.make();
    const auth = new ClaudeAuth({
      store: new MemorySecretStore(),
      home,
      env: { PATH: '/usr/bin:/bin', HOME: home, SHELL: '' },
    });
    const error = await expectAuthError(auth.setupToken(), 'claude.not-installed');
    expect(error.fix).toMatch(/install/i);
  });

  it('finds claude through the login shell PATH when started from Finder', async () => {
    const home = temp.make('clave-home-');
    const bin = path.join(temp.make(), 'user bin');
    installFakeClaude(bin);
    // Like ~/.zprofile on a Mac: only a login shell puts this folder on PATH.
    writeFileSync(path.join(home, '.bash_profile'), `export PATH="${bin}:$PATH"\n`);
    const auth = new ClaudeAuth({
      store: new MemorySecretStore(),
      home,
      env: { PATH: '/usr/bin:/bin:/usr/sbin:/sbin', HOME: home, SHELL: '/bin/bash' },
    });
    const found = await auth.findClaude();
    expect(found).toEqual({ found: true, path: path.join(bin, 'claude'), via: 'login-shell' });
    const session = await auth.setupToken();
    expect((await session.result).authenticated).toBe(true);
  });
});
