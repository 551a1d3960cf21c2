// Code by git against a real guest: one simulated VM booted with NO folder share (as on an
// Orchard worker), reached over real ssh; real git on both sides. Each test uses its own copy and
// its own guest path, so they do not depend on each other's order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createSimHost, type SimHost } from '../../../../e2e/sim/harness';
import { Git, SYNCED_REF } from '../../host/git';
import { HostError } from '../../host/errors';
import { connectSsh, type SshConnection } from '../../host/ssh';
import { command, quote } from '../../host/shell-quote';
import { Tart } from '../../host/tart';
import { GIT_TEST_ENV, TempDirs, git, write } from '../../host/testing/temp-repo';
import { localTartRuntime } from '../local-tart/runtime';
import type { VmInstance } from '../runtime';
import { waitForEndpoint } from '../wait';
import { gitCodeSync } from '.';

const IMAGE = 'ghcr.io/cirruslabs/ubuntu:latest';
const temp = new TempDirs();
const gitApi = new Git({ env: GIT_TEST_ENV });
const sync = gitCodeSync({ git: gitApi });
let sim: SimHost;
let vm: VmInstance;
let ssh: SshConnection;

beforeAll(async () => {
  sim = await createSimHost();
  const runtime = localTartRuntime(
    new Tart({ logDir: path.join(sim.root, 'logs'), env: sim.processEnv() }),
  );
  await runtime.clone(IMAGE, 'clave-gitsync');
  vm = await runtime.start('clave-gitsync', { folders: [] });
  const at = await waitForEndpoint(runtime, vm, 22, { waitSeconds: 30 });
  ssh = await connectSsh({
    host: at.host,
    port: at.port,
    username: 'admin',
    password: 'admin',
    deadlineMs: 30_000,
  });
}, 60_000);

afterAll(async () => {
  await ssh?.close();
  vm?.stop();
  await sim?.cleanup();
  temp.cleanup();
});

/** Runs a command in the guest; its stdout, or a failure with its stderr. */
async function guest(cmd: string, stdin?: string): Promise<string> {
  const r = await ssh.exec(cmd, { timeoutMs: 30_000, ...(stdin === undefined ? {} : { stdin }) });
  if (r.code !== 0) throw new Error(`${cmd}: ${r.stderr}`);
  return r.stdout;
}

/** git in the guest checkout, as the agent runs it (with an identity for its commits). */
function guestGit(dir: string, ...args: string[]): Promise<string> {
  return guest(
    `cd ${quote(dir)} && ${command(['git', '-c', 'user.name=Agent', '-c', 'user.email=agent@vm', ...args])}`,
  );
}

const STATUS = ['status', '--porcelain=v1', '--untracked-files=all'];

/** `git status` of the copy, untrimmed (its first column may be a space). */
function copyStatus(copy: string): string {
  return execFileSync('git', STATUS, { cwd: copy, env: GIT_TEST_ENV, encoding: 'utf8' });
}
const BINARY = Buffer.from([0, 1, 2, 255, 254, 0, 10, 13, 0x89, 0x50, 0x4e, 0x47]);

/**
 * A session copy as Clave makes it (`<project>/.clave/wt/s-<id>`, `.env` and a `.worktreeinclude`
 * file carried in, vendor/ ignored and not carried), with a commit, uncommitted edits and
 * untracked files of awkward names.
 */
async function sessionCopy(id: string): Promise<string> {
  const project = path.join(temp.make('clave-gitsync-'), 'project');
  write(project, 'README.md', 'hello\n');
  write(project, 'app/Models/User.php', '<?php // user\n');
  write(project, '.gitignore', '.env\n/vendor/\nstorage/*.key\n/secrets/\n');
  write(project, '.worktreeinclude', 'storage/*.key\n');
  write(project, '.clave.json', JSON.stringify({ include: ['secrets/'] }));
  write(project, 'secrets/token.txt', 'token\n');
  write(project, '.env', 'APP_KEY=base64:secret\n');
  write(project, 'storage/oauth.key', 'key\n');
  write(project, 'vendor/autoload.php', '<?php // vendor\n');
  git(project, 'init', '-q', '-b', 'main');
  git(project, 'add', '-A');
  git(project, 'commit', '-q', '-m', 'initial');
  const copy = (await gitApi.createSessionCopy({ repo: project, id, include: ['secrets/'] })).path;
  write(copy, 'vendor/autoload.php', '<?php // vendor in the copy\n');
  write(copy, 'app/Http/Controller.php', '<?php // controller\n');
  git(copy, 'add', '-A');
  git(copy, 'commit', '-q', '-m', 'Add a controller');
  write(copy, 'README.md', 'hello, edited\n');
  write(copy, 'staged.txt', 'staged\n');
  git(copy, 'add', 'staged.txt');
  write(copy, 'notes with spaces.md', 'spaces\n');
  write(copy, 'résumé ünïcödé.txt', 'unicode\n');
  writeFileSync(path.join(copy, 'logo.bin'), BINARY);
  write(copy, 'bin/run.sh', '#!/bin/sh\necho run\n');
  chmodSync(path.join(copy, 'bin/run.sh'), 0o755);
  return copy;
}

/**
 * `git status` as what is changed and what is untracked, one line a file: staging is not carried
 * (index = HEAD on both sides after a sync), so staged and unstaged changes read the same, and a
 * new file only staged (`A `) is untracked on the other side.
 */
function unstaged(status: string): string[] {
  return status
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => `${/^(\?\?|A )/.test(l) ? '??' : '~'} ${l.slice(3)}`)
    .sort();
}

async function expectGuestMatches(copy: string, dir: string) {
  expect((await guestGit(dir, 'rev-parse', 'HEAD')).trim()).toBe(git(copy, 'rev-parse', 'HEAD'));
  expect((await guestGit(dir, 'symbolic-ref', 'HEAD')).trim()).toBe(
    git(copy, 'symbolic-ref', 'HEAD'),
  );
  expect(unstaged(await guestGit(dir, ...STATUS))).toEqual(unstaged(copyStatus(copy)));
  // The same edits; a file only staged here (added) is untracked there.
  expect(await guestGit(dir, 'diff', 'HEAD')).toBe(
    `${git(copy, 'diff', '--diff-filter=a', 'HEAD')}\n`,
  );
}

describe('push', () => {
  it('makes the guest a checkout of the copy: branch, commits, uncommitted and untracked work, carried files', async () => {
    const copy = await sessionCopy('push1');
    const r = await sync.push(ssh, copy, '/srv/project');
    expect(r.code, r.stderr).toBe(0);
    await expectGuestMatches(copy, '/srv/project');
    expect((await guestGit('/srv/project', 'log', '--format=%s')).trim().split('\n')).toEqual([
      'Add a controller',
      'initial',
    ]);
    // Staged in the copy, uncommitted (index = HEAD) in the guest.
    expect(await guestGit('/srv/project', ...STATUS)).toContain('?? staged.txt');
    expect(await guest('cat "/srv/project/notes with spaces.md"')).toBe('spaces\n');
    expect(await guest(`cat ${quote('/srv/project/résumé ünïcödé.txt')}`)).toBe('unicode\n');
    expect(Buffer.from(await guest('base64 -w0 /srv/project/logo.bin'), 'base64')).toEqual(BINARY);
    expect(await guest('test -x /srv/project/bin/run.sh && echo x')).toBe('x\n');
    // Carried, ignored in the guest too; vendor/ (ignored, not carried) stays on this Mac.
    const carried = ['.env', 'storage/oauth.key', 'secrets/token.txt'];
    expect(await guest(`cd /srv/project && cat ${carried.join(' ')}`)).toBe(
      'APP_KEY=base64:secret\nkey\ntoken\n',
    );
    expect(await guestGit('/srv/project', 'check-ignore', ...carried)).toBe(
      `${carried.join('\n')}\n`,
    );
    expect(await guest('test -e /srv/project/vendor && echo yes || echo no')).toBe('no\n');
    // The copy's own index is untouched; what was pushed is recorded.
    expect(git(copy, 'diff', '--cached', '--name-only')).toBe('staged.txt');
    expect(git(copy, 'rev-parse', `${SYNCED_REF}^`)).toBe(git(copy, 'rev-parse', 'HEAD'));
  });

  it('creates a missing guest folder (root-owned parent) and is safe to repeat, incrementally', async () => {
    const copy = await sessionCopy('push2');
    const dir = '/srv/fresh project';
    expect((await sync.push(ssh, copy, dir)).code).toBe(0);
    const again = await sync.push(ssh, copy, dir);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/\(0\.0 MB\)/);
    write(copy, 'more.txt', 'more\n');
    git(copy, 'add', 'more.txt');
    git(copy, 'commit', '-q', '-m', 'More');
    const more = await sync.push(ssh, copy, dir);
    expect(more.code, more.stderr).toBe(0);
    await expectGuestMatches(copy, dir);
    // A push cut short right after its checkout (HEAD still detached at the state) is redone.
    await guestGit(dir, 'checkout', '-q', '-f', '--detach', git(copy, 'rev-parse', SYNCED_REF));
    expect((await sync.push(ssh, copy, dir)).code).toBe(0);
    await expectGuestMatches(copy, dir);
    expect(await guest(`stat -c %U ${quote(dir)}`)).toBe('admin\n');
  });

  it("never overwrites the guest's work that was not collected: it refuses until a collect", async () => {
    const copy = await sessionCopy('push3');
    const dir = '/home/admin/push3';
    expect((await sync.push(ssh, copy, dir)).code).toBe(0);
    await guest(`echo agent > ${quote(`${dir}/agent.txt`)}`);
    write(copy, 'mac.txt', 'mac\n');
    const refused = await sync.push(ssh, copy, dir);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/not brought back .* collect it first/);
    expect(await guest(`cat ${quote(`${dir}/agent.txt`)}`)).toBe('agent\n');
    rmSync(path.join(copy, 'mac.txt'));
    await sync.collect(ssh, copy, dir);
    write(copy, 'mac.txt', 'mac\n');
    const pushed = await sync.push(ssh, copy, dir);
    expect(pushed.code, pushed.stderr).toBe(0);
    await expectGuestMatches(copy, dir);
    expect(await guest(`cat ${quote(`${dir}/agent.txt`)} ${quote(`${dir}/mac.txt`)}`)).toBe(
      'agent\nmac\n',
    );
  });
});

describe('collect', () => {
  it("brings the agent's commits, edits, deletions and untracked files back; a second collect changes nothing", async () => {
    const copy = await sessionCopy('collect1');
    const dir = '/home/admin/collect1';
    expect((await sync.push(ssh, copy, dir)).code).toBe(0);
    const before = git(copy, 'rev-parse', 'HEAD');
    // The agent: commits some of the work, edits, deletes, adds files, even a binary, and
    // leaves a vendor/ that is ignored.
    await guestGit(dir, 'add', 'README.md', 'notes with spaces.md');
    await guestGit(dir, 'rm', '-q', '--cached', '.worktreeinclude');
    await guestGit(dir, 'commit', '-q', '-m', 'Agent: docs');
    await guest(
      `cd ${quote(dir)} && echo agent >> app/Models/User.php && rm 'résumé ünïcödé.txt' && echo new > 'new file ✓.txt' && printf '\\000\\001agent' > agent.bin && mkdir -p vendor && echo v > vendor/x.php && echo changed > .env`,
    );
    await guestGit(dir, 'rm', '-q', 'app/Http/Controller.php');
    const guestStatus = await guestGit(dir, ...STATUS);
    const guestLog = await guestGit(dir, 'log', '--format=%H %s');

    const at = await sync.collect(ssh, copy, dir);
    expect(at).toBeInstanceOf(Date);
    expect(`${git(copy, 'log', '--format=%H %s')}\n`).toBe(guestLog);
    expect(unstaged(copyStatus(copy))).toEqual(unstaged(guestStatus));
    expect(copyStatus(copy)).toContain('?? .worktreeinclude\n');
    expect(copyStatus(copy)).toContain(' D app/Http/Controller.php\n');
    expect(git(copy, 'symbolic-ref', 'HEAD')).toBe('refs/heads/clave/s-collect1');
    expect(readFileSync(path.join(copy, 'app/Models/User.php'), 'utf8')).toBe(
      '<?php // user\nagent\n',
    );
    expect(existsSync(path.join(copy, 'résumé ünïcödé.txt'))).toBe(false);
    expect(existsSync(path.join(copy, 'app/Http/Controller.php'))).toBe(false);
    expect(readFileSync(path.join(copy, 'new file ✓.txt'), 'utf8')).toBe('new\n');
    expect(readFileSync(path.join(copy, 'agent.bin'))).toEqual(Buffer.from('\0\x01agent'));
    // Ignored files never come back: vendor/ and .env are the Mac's own.
    expect(readFileSync(path.join(copy, 'vendor/autoload.php'), 'utf8')).toContain('in the copy');
    expect(existsSync(path.join(copy, 'vendor/x.php'))).toBe(false);
    expect(readFileSync(path.join(copy, '.env'), 'utf8')).toBe('APP_KEY=base64:secret\n');
    // The state before the collect is still reachable: the branch's reflog and the synced ref's.
    expect(git(copy, 'reflog', '--format=%H', 'refs/heads/clave/s-collect1')).toContain(before);
    expect(git(copy, 'reflog', '--format=%gs', SYNCED_REF).split('\n')).toEqual([
      'clave: collected from the VM',
      'clave: pushed to the VM',
    ]);

    const synced = git(copy, 'rev-parse', SYNCED_REF);
    await sync.collect(ssh, copy, dir);
    expect(git(copy, 'rev-parse', SYNCED_REF)).toBe(synced);
    expect(unstaged(copyStatus(copy))).toEqual(unstaged(guestStatus));
    expect(git(copy, 'reflog', '--format=%gs', SYNCED_REF).split('\n')).toHaveLength(2);
  });

  it('refuses, changing nothing, when the copy changed on this Mac since the last sync', async () => {
    const copy = await sessionCopy('collect2');
    const dir = '/home/admin/collect2';
    expect((await sync.push(ssh, copy, dir)).code).toBe(0);
    await guest(`cd ${quote(dir)} && echo agent > agent.txt`);
    write(copy, 'README.md', 'edited on the Mac\n');
    const snapshot = () => ({
      head: git(copy, 'rev-parse', 'HEAD'),
      status: copyStatus(copy),
      refs: git(copy, 'for-each-ref'),
      index: git(copy, 'ls-files', '--stage'),
      readme: readFileSync(path.join(copy, 'README.md'), 'utf8'),
    });
    const before = snapshot();
    const error = await sync.collect(ssh, copy, dir).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HostError);
    expect((error as HostError).code).toBe('git.copy-changed');
    expect((error as HostError).why).toContain('README.md');
    expect((error as HostError).fix).toMatch(/stash/);
    expect(snapshot()).toEqual(before);
    expect(existsSync(path.join(copy, 'agent.txt'))).toBe(false);
    // Once the Mac's edit is undone, the collect goes through.
    write(copy, 'README.md', 'hello, edited\n');
    await sync.collect(ssh, copy, dir);
    expect(readFileSync(path.join(copy, 'agent.txt'), 'utf8')).toBe('agent\n');
  });

  it('runs two collects of one copy one after the other, without a false refusal', async () => {
    const copy = await sessionCopy('collect4');
    const dir = '/home/admin/collect4';
    expect((await sync.push(ssh, copy, dir)).code).toBe(0);
    await guest(`cd ${quote(dir)} && echo agent > agent.txt`);
    const [a, b] = await Promise.all([sync.collect(ssh, copy, dir), sync.collect(ssh, copy, dir)]);
    expect(b.getTime()).toBeGreaterThanOrEqual(a.getTime());
    expect(readFileSync(path.join(copy, 'agent.txt'), 'utf8')).toBe('agent\n');
  });

  it('finishes a collect cut short by a stale index.lock once the lock is gone', async () => {
    const copy = await sessionCopy('collect5');
    const dir = '/home/admin/collect5';
    expect((await sync.push(ssh, copy, dir)).code).toBe(0);
    await guest(`cd ${quote(dir)} && echo agent > agent.txt && rm README.md`);
    const lock = path.join(copy, '.git/index.lock');
    writeFileSync(lock, '');
    await expect(sync.collect(ssh, copy, dir)).rejects.toMatchObject({ code: 'git.failed' });
    rmSync(lock);
    await sync.collect(ssh, copy, dir);
    await expectGuestMatches(copy, dir);
    expect(git(copy, 'reflog', '--format=%gs', SYNCED_REF).split('\n')[0]).toBe(
      'clave: finished an interrupted collect',
    );
  });

  it('refuses a bundle over the limit, changing nothing', async () => {
    const copy = await sessionCopy('collect3');
    const dir = '/home/admin/collect3';
    expect((await sync.push(ssh, copy, dir)).code).toBe(0);
    await guest(`cd ${quote(dir)} && head -c 300000 /dev/urandom > big.bin`);
    const small = gitCodeSync({ git: gitApi, maxBytes: 100_000 });
    const synced = git(copy, 'rev-parse', SYNCED_REF);
    await expect(small.collect(ssh, copy, dir)).rejects.toMatchObject({ code: 'sync.too-large' });
    expect(git(copy, 'rev-parse', SYNCED_REF)).toBe(synced);
    expect(existsSync(path.join(copy, 'big.bin'))).toBe(false);
  });
});

describe('resume', () => {
  it('pushes a kept copy with uncommitted work (and earlier syncs) into a new VM checkout', async () => {
    const copy = await sessionCopy('resume1');
    expect((await sync.push(ssh, copy, '/home/admin/first-vm')).code).toBe(0);
    await guest(`cd /home/admin/first-vm && echo from-vm > vm.txt`);
    await sync.collect(ssh, copy, '/home/admin/first-vm');
    // Kept; work added on the Mac while no VM ran; then resumed in a fresh VM (a new checkout).
    write(copy, 'later.txt', 'later\n');
    rmSync(path.join(copy, 'README.md'));
    const r = await sync.push(ssh, copy, '/home/admin/second-vm');
    expect(r.code, r.stderr).toBe(0);
    await expectGuestMatches(copy, '/home/admin/second-vm');
    expect(await guest('cat /home/admin/second-vm/vm.txt /home/admin/second-vm/later.txt')).toBe(
      'from-vm\nlater\n',
    );
  });
});
