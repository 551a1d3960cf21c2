import { describe, expect, it } from 'vitest';
import { isAllowedExternalUrl } from './external-links';

describe('external link allowlist', () => {
  it.each([
    ['https://my-app-a1b2c3d4.test/', true],
    ['http://127.0.0.1:8081/login', true],
    ['https://example.com/', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['http://user:pw@my-app.test/', false],
    ['https://evil.test.example.com/', false],
    ['not a url', false],
  ])('%s → %s', (url, allowed) => {
    expect(isAllowedExternalUrl(url)).toBe(allowed);
  });
});
