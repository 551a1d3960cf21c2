import { describe, expect, it } from 'vitest';
import { hostServices, patchEnv, readEnvValue, sessionEnvOverrides } from './laravel-env';

const overrides = sessionEnvOverrides(
  hostServices('192.168.64.1', { mysql: 3306, redis: 6379 }),
  'https://my-app-a1b2c3d4.test',
);

describe('.env patching for the session VM', () => {
  it('replaces the keys of a classic .env and keeps everything else', () => {
    const env =
      'APP_KEY=base64:abc\nDB_CONNECTION=mysql\nDB_HOST=127.0.0.1\nDB_PORT=3306\nDB_PASSWORD=\nREDIS_HOST=127.0.0.1\nAPP_URL=http://localhost\n';
    const out = patchEnv(env, overrides);
    expect(out).toContain('APP_KEY=base64:abc\n');
    expect(out).toContain('DB_HOST=192.168.64.1\n');
    expect(out).toContain('DB_PASSWORD=\n');
    expect(out).toContain('APP_URL=https://my-app-a1b2c3d4.test\n');
    expect(out).toContain('REDIS_PORT=6379'); // absent before: appended
    expect(out.match(/DB_HOST=/g)).toHaveLength(1);
  });

  it('uncomments the DB lines of a newer sqlite skeleton instead of duplicating them', () => {
    const env =
      'DB_CONNECTION=sqlite\n# DB_HOST=127.0.0.1\n# DB_PORT=3306\n# DB_DATABASE=laravel\n';
    const out = patchEnv(env, { DB_HOST: '192.168.64.1', DB_PORT: '3306' });
    expect(out).toBe(
      'DB_CONNECTION=sqlite\nDB_HOST=192.168.64.1\nDB_PORT=3306\n# DB_DATABASE=laravel\n',
    );
  });

  it('prefers a live assignment over a commented one, and quotes odd values', () => {
    const out = patchEnv('# APP_URL=old\nAPP_URL=http://x\n', { APP_URL: 'http://a b/$x' });
    expect(out).toBe('# APP_URL=old\nAPP_URL="http://a b/\\$x"\n');
    expect(readEnvValue(out, 'APP_URL')).toBe('http://a b/\\$x');
  });

  it('creates a .env from nothing', () => {
    expect(patchEnv('', { A: '1' })).toBe('\n# Added by Clave for this session VM\nA=1\n');
  });
});
