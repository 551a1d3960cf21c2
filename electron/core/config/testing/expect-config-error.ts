import { expect } from 'vitest';

/** A config error a person can act on: what (with the file/field), why, and a fix line. */
export function expectConfigError(load: () => unknown, what: RegExp, fix: RegExp): void {
  let error: { what?: string; why?: string; fix?: string; message?: string } | undefined;
  try {
    load();
  } catch (e) {
    error = e as typeof error;
  }
  expect(error?.what).toMatch(what);
  expect(error?.why).toMatch(/.+/);
  expect(error?.fix).toMatch(fix);
  expect(error?.message).toContain(`Fix: ${error?.fix}`);
}
