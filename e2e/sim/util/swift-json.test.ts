import { describe, expect, it } from 'vitest';
import { swiftJson } from './swift-json';

describe('swiftJson', () => {
  it('writes objects the way JSONEncoder.prettyPrinted does', () => {
    expect(swiftJson({ Name: 'vm', CPU: 4, Running: false })).toBe(
      '{\n  "Name" : "vm",\n  "CPU" : 4,\n  "Running" : false\n}',
    );
  });

  it('escapes slashes and nests with two spaces', () => {
    expect(swiftJson([{ Name: 'ghcr.io/cirruslabs/ubuntu:latest', display: { width: 1 } }])).toBe(
      '[\n  {\n    "Name" : "ghcr.io\\/cirruslabs\\/ubuntu:latest",\n    "display" : {\n      "width" : 1\n    }\n  }\n]',
    );
  });

  it('writes empty containers with a blank line and drops undefined keys', () => {
    expect(swiftJson([])).toBe('[\n\n]');
    expect(swiftJson({ a: undefined })).toBe('{\n\n}');
  });

  it('round-trips through JSON.parse', () => {
    const v = { a: [1, 2, { b: 'x/y' }], c: null, d: 'quote " and \\' };
    expect(JSON.parse(swiftJson(v))).toEqual(v);
  });
});
