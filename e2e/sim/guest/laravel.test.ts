import { describe, expect, it } from 'vitest';
import { parseEnv, renderPhp, setEnvValue } from './laravel';

describe('Laravel helpers of the guest stand-ins', () => {
  it('reads .env values, quoted or with trailing comments', () => {
    const env = parseEnv('# c\nAPP_NAME="My App"\nDB_PORT=3306 # mysql\nexport X=1\nEMPTY=\n');
    expect(Object.fromEntries(env)).toEqual({
      APP_NAME: 'My App',
      DB_PORT: '3306',
      X: '1',
      EMPTY: '',
    });
  });

  it('sets a key by replacing its line, uncommenting it, or appending', () => {
    expect(setEnvValue('A=1\nAPP_KEY=\nB=2\n', 'APP_KEY', 'k')).toBe('A=1\nAPP_KEY=k\nB=2\n');
    expect(setEnvValue('# DB_HOST=127.0.0.1\n', 'DB_HOST', 'gw')).toBe('DB_HOST=gw\n');
    expect(setEnvValue('A=1', 'B', '2')).toBe('A=1\nB=2\n');
  });

  it('renders echo of literals and leaves markup around PHP blocks', () => {
    expect(renderPhp("<p><?php echo 'a' . \"b\"; ?></p>\n<?= 'c' ?>!")).toBe('<p>ab</p>\nc!');
    expect(renderPhp('<?php echo $_SERVER["HTTP_HOST"];', { HTTP_HOST: 'x.test' })).toBe('x.test');
  });
});
