import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { BundleReceiver } from './collect-stream';
import { exactIgnorePattern, projectOfCopy } from './carried';

const STATE = 'a'.repeat(40);

function receiver(maxBytes = 100) {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const r = new BundleReceiver(out, maxBytes);
  return { r, written: () => Buffer.concat(chunks) };
}

describe('BundleReceiver', () => {
  it('reads a header split across chunks and writes exactly the bundle after it', async () => {
    const { r, written } = receiver();
    r.push(Buffer.from(`clave-sync ${STATE.slice(0, 10)}`));
    r.push(Buffer.from(`${STATE.slice(10)} 5\nab`));
    r.push(Buffer.from([0, 0xff, 10]));
    await new Promise((done) => setImmediate(done));
    expect(r.error).toBeNull();
    expect(r.result()).toEqual({ state: STATE, bytes: 5 });
    expect(written()).toEqual(Buffer.from([0x61, 0x62, 0, 0xff, 10]));
  });

  it('stops the command when the announced size is over the limit', () => {
    const { r } = receiver(4);
    r.push(Buffer.from(`clave-sync ${STATE} 5\n`));
    expect(r.error?.code).toBe('sync.too-large');
    expect(r.signal.aborted).toBe(true);
  });

  it('refuses more bytes than announced, a short stream, and anything but the header', () => {
    const more = receiver();
    more.r.push(Buffer.from(`clave-sync ${STATE} 1\nxy`));
    expect(more.r.error?.code).toBe('sync.collect-failed');
    const short = receiver();
    short.r.push(Buffer.from(`clave-sync ${STATE} 3\nx`));
    expect(short.r.error).toBeNull();
    expect(short.r.result()).toBeNull();
    const noise = receiver();
    noise.r.push(Buffer.from('Welcome to Ubuntu\n'));
    expect(noise.r.error?.code).toBe('sync.collect-failed');
    expect(noise.r.signal.aborted).toBe(true);
  });
});

describe('exactIgnorePattern', () => {
  it('anchors a path and escapes what gitignore would read as a pattern', () => {
    expect(exactIgnorePattern('.env')).toBe('/.env');
    expect(exactIgnorePattern('storage/keys/')).toBe('/storage/keys/');
    expect(exactIgnorePattern('a*b?[c]\\d')).toBe('/a\\*b\\?\\[c]\\\\d');
    expect(exactIgnorePattern('#x !y  ')).toBe('/#x !y\\ \\ ');
    expect(exactIgnorePattern('line\nbreak')).toBeNull();
  });
});

describe('projectOfCopy', () => {
  it('finds the project a session copy belongs to, and nothing for another folder', () => {
    expect(projectOfCopy('/p/app/.clave/wt/s-abc')).toBe('/p/app');
    expect(projectOfCopy('/p/app/.clave/wt/s-abc/')).toBe('/p/app');
    expect(projectOfCopy('/p/app/other/s-abc')).toBeNull();
  });
});
