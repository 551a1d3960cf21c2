// The simulated controller's validation and JSON, checked against what cirruslabs/orchard's
// createVM/updateVMSpec/authorize answer (api_vms.go, api.go, errorresponse.go).
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { authenticate, authorize, parseServiceAccount } from './auth';
import { ApiError, newVM, updateSpec, vmJson, zeroVmJson } from './resource';

function refusal(f: () => unknown): { status: number; message: string; bare: boolean } {
  try {
    f();
  } catch (e) {
    if (e instanceof ApiError) return { status: e.status, message: e.message, bare: e.bare };
    throw e;
  }
  throw new Error('expected an ApiError');
}

describe('newVM (POST /v1/vms)', () => {
  it('fills the controller defaults and names the tart VM as the worker will', () => {
    const vm = newVM({ name: 'a', image: 'img' });
    expect(vm).toMatchObject({
      status: 'pending',
      os: 'darwin',
      arch: 'arm64',
      runtime: 'tart',
      imagePullPolicy: 'IfNotPresent',
      restart_policy: 'Never',
      powerState: 'running',
      generation: 0,
      // Apple's two-macOS-VMs limit, defaulted for darwin only.
      resources: { 'org.cirruslabs.tart-vms': 1 },
      conditions: [{ type: 'scheduled', state: 'false' }],
    });
    expect(vm.localName).toBe(`orchard-a-${vm.uid}-0`);
    expect(newVM({ name: 'b', image: 'img', os: 'linux' }).resources).toEqual({});
  });

  it('400 for malformed bodies and wrong types; 412 for missing name/image and bad policies', () => {
    expect(refusal(() => newVM([]))).toMatchObject({
      status: 400,
      message: 'invalid JSON was provided',
    });
    expect(refusal(() => newVM({ name: 'a', image: 'i', cpu: '4' })).status).toBe(400);
    expect(refusal(() => newVM({ name: 'a', image: 'i', os: 'windows' })).status).toBe(400);
    expect(refusal(() => newVM({ image: 'i' }))).toMatchObject({
      status: 412,
      message: 'VM name is empty',
    });
    expect(refusal(() => newVM({ name: 'a b', image: 'i' })).status).toBe(412);
    expect(refusal(() => newVM({ name: 'a' }))).toMatchObject({
      status: 412,
      message: 'VM image is empty',
    });
    expect(refusal(() => newVM({ name: 'a', image: 'i', imagePullPolicy: 'Never' }))).toMatchObject(
      {
        status: 412,
        message: 'unsupported image pull policy: "Never"',
      },
    );
    expect(
      refusal(() => newVM({ name: 'a', image: 'i', hostDirs: [{ name: 'p', path: '/x' }] })).status,
    ).toBe(400);
  });
});

describe('vmJson', () => {
  it('leaves out empty omitempty fields and keeps generation, observedGeneration and the times', () => {
    const json = vmJson(newVM({ name: 'a', image: 'i', os: 'linux' }));
    expect(json).not.toHaveProperty('worker');
    expect(json).not.toHaveProperty('status_message');
    expect(json).not.toHaveProperty('username');
    expect(json).toMatchObject({
      generation: 0,
      observedGeneration: 0,
      started_at: '0001-01-01T00:00:00Z',
    });
    expect(json.tartName).toBe(json.localName);
    expect(zeroVmJson()).not.toHaveProperty('name');
  });
});

describe('updateSpec (PUT /v1/vms/{name})', () => {
  const vm = newVM({ name: 'a', image: 'i', os: 'linux' });
  const same = { os: 'linux', arch: 'arm64', runtime: 'tart', powerState: 'running' };
  it('bumps the generation only when the spec changes', () => {
    expect(updateSpec(vm, same)).toBeUndefined();
    expect(updateSpec(vm, { ...same, powerState: 'stopped' })).toMatchObject({
      generation: 1,
      powerState: 'stopped',
    });
  });
  it('refuses platform changes, unknown power states and a VM in a terminal state (412)', () => {
    expect(refusal(() => updateSpec(vm, { ...same, os: 'darwin' })).status).toBe(412);
    expect(
      refusal(() => updateSpec(vm, { os: 'linux', arch: 'arm64', runtime: 'tart' })).status,
    ).toBe(412);
    expect(refusal(() => updateSpec({ ...vm, status: 'failed' }, same)).message).toBe(
      'cannot update VM in a terminal state',
    );
  });
});

describe('auth', () => {
  const accounts = [parseServiceAccount('ci:tok'), parseServiceAccount('ro:tok2:compute:read')];
  const req = (user?: string, pass?: string) =>
    ({
      headers: user
        ? { authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` }
        : {},
    }) as IncomingMessage;

  it('parses NAME:TOKEN[:ROLES] with compute read/write/connect by default', () => {
    expect(accounts[0]!.roles).toEqual(['compute:read', 'compute:write', 'compute:connect']);
    expect(accounts[1]!.roles).toEqual(['compute:read']);
    expect(() => parseServiceAccount('x:y:compute:everything')).toThrow(/unknown role/);
  });

  it('401 bare for wrong credentials and none; 401 with the roles named for a missing role', () => {
    expect(refusal(() => authenticate(req('ci', 'nope'), accounts))).toMatchObject({
      status: 401,
      bare: true,
    });
    expect(refusal(() => authenticate(req('who', 'tok'), accounts)).status).toBe(401);
    expect(refusal(() => authorize(accounts, undefined, 'all', 'compute:read'))).toMatchObject({
      status: 401,
      bare: true,
    });
    const ro = authenticate(req('ro', 'tok2'), accounts);
    expect(() => authorize(accounts, ro, 'all', 'compute:read')).not.toThrow();
    expect(
      refusal(() => authorize(accounts, ro, 'any', 'compute:write', 'compute:connect')),
    ).toMatchObject({
      status: 401,
      message: 'any of the following roles must be present: compute:write, compute:connect',
    });
  });

  it('dev mode (no accounts): no check, but presented credentials are still refused', () => {
    expect(() => authorize([], undefined, 'all', 'compute:write')).not.toThrow();
    expect(refusal(() => authenticate(req('ci', 'tok'), [])).status).toBe(401);
  });
});
