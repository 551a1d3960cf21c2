import { describe, expect, it } from 'vitest';
import { isClaveTarget } from './survey';

describe('isClaveTarget', () => {
  const range = { from: 8081, to: 8199 };
  it('accepts only 127.0.0.1 on a port in Clave’s range', () => {
    expect(isClaveTarget('http://127.0.0.1:8081', range)).toBe(true);
    expect(isClaveTarget('https://127.0.0.1:8199/', range)).toBe(true);
    expect(isClaveTarget('http://127.0.0.1:8200', range)).toBe(false);
    expect(isClaveTarget('http://127.0.0.1:3000', range)).toBe(false);
    expect(isClaveTarget('http://localhost:8081', range)).toBe(false);
    expect(isClaveTarget('http://192.168.1.50:8081', range)).toBe(false);
    expect(isClaveTarget('http://127.0.0.1', range)).toBe(false);
    expect(isClaveTarget('not a url', range)).toBe(false);
  });
});
