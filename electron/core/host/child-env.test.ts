import { describe, expect, it } from 'vitest';
import { childEnv, isSecretName } from './child-env';

describe('the environment of local tools', () => {
  it('drops the Claude credentials and anything named like a secret', () => {
    for (const name of [
      'ANTHROPIC_API_KEY',
      'ANTHROPIC_AUTH_TOKEN',
      'ANTHROPIC_BASE_URL',
      'CLAUDE_CODE_OAUTH_TOKEN',
      'GITHUB_TOKEN',
      'GH_TOKEN',
      'NPM_TOKEN',
      'AWS_SECRET_ACCESS_KEY',
      'OPENAI_API_KEY',
      'STRIPE_APIKEY',
      'DB_PASSWORD',
      'TART_REGISTRY_PASSWORD',
      'GOOGLE_APPLICATION_CREDENTIALS',
      'SSH_PRIVATE_KEY',
      'client_secret',
    ])
      expect(isSecretName(name), name).toBe(true);
  });

  it('keeps what tools need, and a secret a tool names', () => {
    for (const name of [
      'PATH',
      'HOME',
      'TART_HOME',
      'SSH_AUTH_SOCK',
      'LANG',
      'TOKENIZER',
      'KEYCHAIN',
    ])
      expect(isSecretName(name), name).toBe(false);
    const env = { PATH: '/bin', ANTHROPIC_API_KEY: 'k', TART_REGISTRY_PASSWORD: 'p', X: undefined };
    expect(childEnv(env)).toEqual({ PATH: '/bin' });
    expect(childEnv(env, ['TART_REGISTRY_PASSWORD'])).toEqual({
      PATH: '/bin',
      TART_REGISTRY_PASSWORD: 'p',
    });
  });
});
