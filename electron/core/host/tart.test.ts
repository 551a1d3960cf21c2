import { afterAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import {
  classifyFailure,
  classifyRunExit,
  dirArgument,
  DirShareSchema,
  parseGet,
  parseList,
  Tart,
  TART_INSTALL_COMMAND,
  TartError,
} from './tart';
import { installRecordingTool } from './testing/recording-tool';
import { TempDirs } from './testing/temp-repo';

const temp = new TempDirs();
afterAll(() => temp.cleanup());

// Shaped like Swift's JSONEncoder(.prettyPrinted) output: " : " separators, keys unsorted.
const LIST_JSON = `[
  {
    "Running" : true,
    "Source" : "local",
    "Disk" : 50,
    "Name" : "clave-a1b2",
    "Size" : 4,
    "Accessed" : "2026-11-25T03:44:00Z",
    "State" : "running"
  },
  {
    "Source" : "local",
    "Name" : "clave-base-3f2a",
    "Disk" : 20,
    "Size" : 3,
    "Accessed" : "2026-11-24T10:00:00Z",
    "Running" : false,
    "State" : "stopped"
  }
]`;

const GET_JSON = `{
  "CPU" : 4,
  "Display" : "1024x768",
  "OS" : "linux",
  "Memory" : 8192,
  "Disk" : 50,
  "DiskFormat" : "raw",
  "Size" : "4.512",
  "Running" : false,
  "State" : "stopped"
}`;

describe('parsing tart JSON', () => {
  it('reads tart list with its capitalised keys', () => {
    expect(parseList(LIST_JSON)).toEqual([
      {
        name: 'clave-a1b2',
        source: 'local',
        diskGb: 50,
        sizeGb: 4,
        accessed: '2026-11-25T03:44:00Z',
        running: true,
        state: 'running',
      },
      {
        name: 'clave-base-3f2a',
        source: 'local',
        diskGb: 20,
        sizeGb: 3,
        accessed: '2026-11-24T10:00:00Z',
        running: false,
        state: 'stopped',
      },
    ]);
    expect(parseList('[]')).toEqual([]);
  });

  it('reads tart get, Size being a string', () => {
    expect(parseGet(GET_JSON)).toEqual({
      os: 'linux',
      cpu: 4,
      memoryMb: 8192,
      diskGb: 50,
      diskFormat: 'raw',
      size: '4.512',
      display: '1024x768',
      running: false,
      state: 'stopped',
    });
  });

  it('derives State from Running for older tart versions', () => {
    expect(
      parseList('[{"Source":"local","Name":"a","Disk":1,"Size":1,"Running":true}]')[0]?.state,
    ).toBe('running');
  });

  it('refuses lowercase keys and non-JSON (the prior-art bug)', () => {
    for (const bad of ['[{"name":"a","state":"running"}]', 'Source Name Disk\nlocal a 50', '']) {
      const error = (() => {
        try {
          parseList(bad);
        } catch (e) {
          return e;
        }
        return null;
      })();
      expect(error).toBeInstanceOf(TartError);
      expect((error as TartError).code).toBe('tart.bad-output');
    }
  });
});

describe('classifying tart failures', () => {
  const base = { what: 'Could not do it', command: 'run', vm: 'clave-a1b2', stdout: '' };
  it.each([
    ['the specified VM "clave-a1b2" does not exist', 2, 'tart.vm-missing'],
    ['Error: failed to rename a non-existent local VM: clave-a1b2', 64, 'tart.vm-missing'],
    ['VM "clave-a1b2" is not running', 2, 'tart.vm-not-running'],
    ['VM "clave-a1b2" is already running!', 2, 'tart.vm-already-running'],
    ['VM "clave-a1b2" is running', 1, 'tart.vm-running'],
    [
      'Error: failed to rename VM a, target VM b already exists, delete it first!',
      64,
      'tart.vm-exists',
    ],
    ['no IP address found, is your VM running?', 1, 'tart.no-ip'],
    [
      'The number of VMs exceeds the system limit (other running VMs: clave-1, clave-2)',
      1,
      'tart.vm-limit',
    ],
    [
      'Error: The maximum supported number of active virtual machines has been reached.',
      1,
      'tart.vm-limit',
    ],
    ['Error: No space left on device', 1, 'tart.disk-full'],
    ['Error: “disk.img” couldn’t be copied because there isn’t enough space.', 1, 'tart.disk-full'],
    ['Error: Virtualization is not available on this hardware.', 1, 'tart.not-apple-silicon'],
    ['Error: Missing expected argument', 64, 'tart.failed'],
    ['', 1, 'tart.failed'],
  ])('%s (exit %i) → %s', (stderr, exitCode, code) => {
    const error = classifyFailure({ ...base, stderr, exitCode });
    expect(error.code).toBe(code);
    expect(error.what).toBe('Could not do it');
    expect(error.why.length).toBeGreaterThan(0);
    expect(error.fix.length).toBeGreaterThan(0);
  });

  it('skips tart’s garbage-collection line when saying why (Root.swift prints it first)', () => {
    const gc =
      'Failed to perform garbage collection: Error Domain=NSCocoaErrorDomain Code=513 "“x” couldn’t be removed."\n';
    const failed = classifyFailure({
      ...base,
      stderr: `${gc}Error: something broke\n`,
      exitCode: 1,
    });
    expect(failed.code).toBe('tart.failed');
    expect(failed.why).toBe('Error: something broke');
    expect(failed.detail).toContain('garbage collection');
    // Only gc's own line: the reason falls back to the exit status, not gc's words.
    expect(classifyFailure({ ...base, stderr: gc, exitCode: 1 }).why).toBe('tart exited with 1');
    const run = classifyRunExit('vm', 1, null, `${gc}Error: it failed to start\n`, '/l');
    expect(run?.why).toBe('tart run exited with 1: Error: it failed to start');
  });

  it('tells a crashed run from a clean stop', () => {
    expect(
      classifyRunExit('vm', 0, null, 'guest has stopped the virtual machine\n', '/l'),
    ).toBeNull();
    expect(
      classifyRunExit(
        'vm',
        0,
        null,
        'guest has stopped the virtual machine due to error: boom\n',
        '/l',
      )?.code,
    ).toBe('tart.vm-exited');
    expect(
      classifyRunExit(
        'vm',
        1,
        null,
        'The number of VMs exceeds the system limit (other running VMs: a)\n',
        '/l',
      )?.code,
    ).toBe('tart.vm-limit');
    expect(classifyRunExit('vm', null, 'SIGKILL', '', '/l')?.why).toMatch(/SIGKILL/);
  });
});

describe('--dir arguments', () => {
  it('builds tart’s [name:]path[:options] syntax', () => {
    const d = (v: unknown) => dirArgument(DirShareSchema.parse(v));
    expect(d({ path: '/Users/me/p' })).toBe('/Users/me/p');
    expect(d({ path: '/p', tag: 'clave' })).toBe('/p:tag=clave');
    expect(d({ path: '/p', name: 'project', readOnly: true, tag: 'x' })).toBe(
      'project:/p:ro,tag=x',
    );
    expect(DirShareSchema.safeParse({ path: '/a:b' }).success).toBe(false);
    expect(DirShareSchema.safeParse({ path: 'relative' }).success).toBe(false);
  });
});

function recorder() {
  const dir = temp.make('clave-tart-bin-');
  const tool = installRecordingTool(dir, 'tart');
  const tart = new Tart({
    binary: tool.file,
    logDir: path.join(dir, 'logs'),
    env: { PATH: `/usr/bin:/bin:${path.dirname(process.execPath)}`, SHELL: '' },
    platform: 'linux',
  });
  return { tool, tart };
}

describe('arguments sent to tart', () => {
  it('uses argument arrays, JSON formats and CI=1', async () => {
    const { tool, tart } = recorder();
    tool.respond({ stdout: LIST_JSON });
    await tart.list();
    tool.respond({ stdout: GET_JSON });
    await tart.get('clave-a1b2');
    tool.respond({});
    await tart.clone('ghcr.io/cirruslabs/ubuntu:latest', 'clave-base-1');
    await tart.set('clave-a1b2', {
      cpu: 4,
      memoryMb: 8192,
      display: '1920x1080',
      randomMac: true,
      diskSizeGb: 50,
    });
    await tart.set('clave-a1b2', { displayRefit: false });
    await tart.set('clave-a1b2', {});
    await tart.stop('clave-a1b2', { timeoutSeconds: 5 });
    await tart.delete('clave-a1b2');
    await tart.rename('clave-tmp-1', 'clave-base-1');
    tool.respond({ stdout: '192.168.64.7\n' });
    expect(await tart.ip('clave-a1b2', { waitSeconds: 3 })).toBe('192.168.64.7');
    expect(tool.calls().map((c) => c.argv)).toEqual([
      ['list', '--source', 'local', '--format', 'json'],
      ['get', 'clave-a1b2', '--format', 'json'],
      ['clone', 'ghcr.io/cirruslabs/ubuntu:latest', 'clave-base-1'],
      [
        'set',
        'clave-a1b2',
        '--cpu',
        '4',
        '--memory',
        '8192',
        '--display',
        '1920x1080',
        '--random-mac',
        '--disk-size',
        '50',
      ],
      ['set', 'clave-a1b2', '--no-display-refit'],
      ['stop', 'clave-a1b2', '--timeout', '5'],
      ['delete', 'clave-a1b2'],
      ['rename', 'clave-tmp-1', 'clave-base-1'],
      ['ip', 'clave-a1b2', '--wait', '3'],
    ]);
    expect(tool.calls().every((c) => c.ci === '1')).toBe(true);
    // Homebrew's bin is on the PATH tart gets (it looks for softnet there).
    expect(tool.calls()[0]?.path.split(':')).toContain('/opt/homebrew/bin');
  });

  it('rejects names that could be options or OCI references', async () => {
    const { tool, tart } = recorder();
    for (const call of [
      () => tart.delete('-rf'),
      () => tart.clone('ghcr.io/x/y:latest', 'Bad_Name'),
      () => tart.clone('--insecure', 'ok'),
      () => tart.rename('a', 'ghcr.io/evil'),
      () => tart.get('a/b'),
      () => tart.set('a', { display: 'none' }),
      () => tart.ip('a', { waitSeconds: -1 }),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect((error as TartError).code).toBe('tart.invalid-input');
    }
    expect(tool.calls()).toEqual([]);
  });

  it('puts a timeout on every call', async () => {
    const dir = temp.make('clave-tart-bin-');
    const tool = installRecordingTool(dir, 'tart');
    tool.respond({ stdout: '[]', sleepMs: 5000 });
    const tart = new Tart({
      binary: tool.file,
      logDir: dir,
      env: { PATH: `/usr/bin:/bin:${path.dirname(process.execPath)}`, SHELL: '' },
      platform: 'linux',
      timeouts: { defaultMs: 300, graceMs: 300 },
    });
    const started = Date.now();
    const error = await tart.list().catch((e: unknown) => e);
    expect((error as TartError).code).toBe('tart.timeout');
    expect((error as TartError).why).toMatch(/did not finish/);
    // ip --wait N gets N seconds plus the grace period, not the default.
    await expect(tart.ip('a', { waitSeconds: 0 })).rejects.toMatchObject({ code: 'tart.timeout' });
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('treats a VM that was not running as stopped, and reports missing ones', async () => {
    const { tool, tart } = recorder();
    tool.respond({ stderr: 'VM "a" is not running\n', exit: 2 });
    expect(await tart.stop('a')).toBe('was-not-running');
    tool.respond({ stderr: 'the specified VM "a" does not exist\n', exit: 2 });
    expect(await tart.exists('a')).toBe(false);
    await expect(tart.stop('a')).rejects.toMatchObject({ code: 'tart.vm-missing' });
  });
});

describe('host checks', () => {
  const logDir = '/nonexistent';
  it('refuses an Intel Mac', async () => {
    const tart = new Tart({
      logDir,
      platform: 'darwin',
      arch: 'x64',
      osRelease: '24.0.0',
      isAppleSiliconUnderRosetta: async () => false,
    });
    await expect(tart.version()).rejects.toMatchObject({ code: 'tart.not-apple-silicon' });
  });

  it('accepts an x64 process under Rosetta on Apple silicon, and checks the macOS version', async () => {
    const dir = temp.make();
    const tool = installRecordingTool(dir, 'tart');
    tool.respond({ stdout: '2.35.0\n' });
    const rosetta = new Tart({
      binary: tool.file,
      logDir,
      platform: 'darwin',
      arch: 'x64',
      osRelease: '24.0.0',
      isAppleSiliconUnderRosetta: async () => true,
    });
    expect(await rosetta.version()).toBe('2.35.0');
    const old = new Tart({
      binary: tool.file,
      logDir,
      platform: 'darwin',
      arch: 'arm64',
      osRelease: '21.6.0',
    });
    await expect(old.version()).rejects.toMatchObject({ code: 'tart.macos-too-old' });
  });

  it('says tart is not installed, with the install command', async () => {
    const tart = new Tart({ logDir, platform: 'linux', env: { PATH: '/nonexistent', SHELL: '' } });
    const error = await tart.list().catch((e: unknown) => e);
    expect((error as TartError).code).toBe('tart.not-installed');
    // The cirruslabs/cli tap is frozen at 2.32.1; Tart ships from openai/tools (openai/tart#1298).
    expect((error as TartError).fix).toContain('brew install openai/tools/tart');
    expect((error as TartError).fix).not.toContain('cirruslabs/cli');
    const missing = new Tart({ logDir, binary: '/nonexistent/tart', platform: 'linux', env: {} });
    await expect(missing.list()).rejects.toMatchObject({ code: 'tart.not-installed' });
  });

  it('the README and bin/setup install Tart from the tap that still ships it', async () => {
    const root = path.resolve(__dirname, '../../..');
    for (const file of ['README.md', 'bin/setup']) {
      const text = await readFile(path.join(root, file), 'utf8');
      expect(text, file).toContain(TART_INSTALL_COMMAND);
      expect(text, file).not.toMatch(/brew install cirruslabs\/cli\/tart/);
    }
  });
});
