import { describe, expect, it } from 'vitest';
import { OrchardClient, readBounded } from './client';
import { bodyMessage, displayUrl, httpError, networkError } from './errors';
import { Vm, WatchEvent } from './schema';

const base = {
  what: 'Could not create the Orchard VM v1',
  controller: 'http://c:6120/v1',
  account: 'clave',
};

describe('Orchard answers as problems', () => {
  it('says which field a refused spec names (400/412 bodies are {message})', () => {
    const e = httpError({
      ...base,
      status: 412,
      body: '{"message":"VM image is empty"}',
      vm: 'v1',
    });
    expect(e.code).toBe('orchard.refused');
    expect(e.why).toContain('VM image is empty');
    expect(e.fix).toMatch(/image/);
    expect(httpError({ ...base, status: 400, body: 'invalid JSON was provided' }).why).toContain(
      'invalid JSON',
    );
  });

  it('names the account, the URL and the roles on 401/403, never the token', () => {
    for (const status of [401, 403]) {
      const e = httpError({ ...base, status, body: '' });
      expect(e.code).toBe('orchard.unauthorized');
      expect(e.why).toContain('“clave”');
      expect(e.why).toContain('http://c:6120/v1');
      expect(e.fix).toContain('compute:write');
      expect(e.fix).toContain('compute:connect');
    }
  });

  it('maps 404, 409, 408, 417 and 503 each to its own code and advice', () => {
    const at = (status: number) => httpError({ ...base, status, body: '', vm: 'v1' });
    expect(at(404).code).toBe('orchard.not-found');
    expect(at(404).why).toContain('v1');
    expect(at(409).code).toBe('orchard.name-taken');
    expect(at(409).fix).toContain('orchard delete vm v1');
    expect(at(408).code).toBe('orchard.not-running');
    expect(at(417).code).toBe('orchard.vm-terminal');
    expect(at(503).code).toBe('orchard.unavailable');
    expect(at(503).fix).toContain('orchard list workers');
    expect(at(500).code).toBe('orchard.http');
    expect(at(409).status).toBe(409);
  });

  it('reads the controller’s sentence from JSON or plain text, one line, bounded', () => {
    expect(bodyMessage('{"message":"VM with this name already exists"}')).toBe(
      'VM with this name already exists',
    );
    expect(bodyMessage('\n  plain text\nsecond')).toBe('plain text');
    expect(bodyMessage('')).toBe('');
    expect(bodyMessage('x'.repeat(1000)).length).toBeLessThan(310);
  });

  it('shows a controller URL without the user info a person may have typed into it', () => {
    expect(displayUrl('http://name:s3cret@host:6120/v1/?token=s3cret')).toBe('http://host:6120/v1');
    expect(displayUrl('not a url')).toBe('(an invalid URL)');
  });

  it('tells a controller that is down (the URL, the errno) from one that is slow', () => {
    const refused = networkError('w', 'http://127.0.0.1:1/v1', {
      message: 'fetch failed',
      cause: { code: 'ECONNREFUSED' },
    });
    expect(refused.code).toBe('orchard.unreachable');
    expect(refused.why).toContain('http://127.0.0.1:1/v1');
    expect(refused.why).toContain('ECONNREFUSED');
    expect(refused.fix).toContain('orchard dev');
    const slow = networkError('w', 'http://c/v1', new DOMException('t', 'TimeoutError'));
    expect(slow.code).toBe('orchard.timeout');
  });
});

describe('what the controller sends', () => {
  it('keeps fields Clave does not use and accepts a status it does not know', () => {
    const vm = Vm.parse({
      name: 'a',
      status: 'suspended',
      worker: 'w1',
      generation: 3,
      labels: null,
    });
    expect(vm).toMatchObject({ name: 'a', status: 'suspended', worker: 'w1', generation: 3 });
    expect(Vm.safeParse({ status: 'running' }).success).toBe(false);
    expect(WatchEvent.safeParse({ type: 'MODIFIED', object: { name: 'a' } }).success).toBe(true);
    expect(WatchEvent.safeParse({ type: 'RENAMED', object: { name: 'a' } }).success).toBe(false);
  });

  it('refuses a body over the limit instead of reading it all', async () => {
    await expect(readBounded(new Response('x'.repeat(100)), 10)).rejects.toMatchObject({
      code: 'orchard.bad-response',
    });
    await expect(readBounded(new Response('small'), 10)).resolves.toBe('small');
  });
});

describe('the client', () => {
  it('never puts the token, or user info typed into the URL, into an error', async () => {
    const client = new OrchardClient(
      { url: 'http://me:url-secret@127.0.0.1:1/v1', serviceAccount: 'me', token: 'tok-secret' },
      { timeoutMs: 2000 },
    );
    const e = await client.listVms().catch((x: Error) => x);
    expect(e).toMatchObject({ code: 'orchard.unreachable' });
    const text = JSON.stringify(e) + String(e) + String((e as Error).stack);
    expect(text).toContain('http://127.0.0.1:1/v1');
    expect(text).not.toContain('url-secret');
    expect(text).not.toContain('tok-secret');
  });
});
