import { afterAll, describe, expect, it } from 'vitest';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { FALLBACK_IDENTITY, Git, GitError } from './git';
import { GIT_TEST_ENV, TempDirs, git, gitMaybe, makeRepo, write } from './testing/temp-repo';

const temp = new TempDirs();
afterAll(() => temp.cleanup());

const adapter = new Git({ env: GIT_TEST_ENV, timeoutMs: 30_000 });

async function expectGitError(promise: Promise<unknown>, code: string): Promise<GitError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected ${code}, but it succeeded`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GitError);
  expect((error as GitError).code).toBe(code);
  expect((error as GitError).what.length).toBeGreaterThan(0);
  expect((error as GitError).fix.length).toBeGreaterThan(0);
  return error as GitError;
}

function snapshot(repo: string) {
  return {
    head: git(repo, 'rev-parse', 'HEAD'),
    branch: gitMaybe(repo, 'symbolic-ref', '-q', 'HEAD').out,
    status: git(repo, 'status', '--porcelain=v1', '--untracked-files=all'),
    mergeHead: gitMaybe(repo, 'rev-parse', '-q', '--verify', 'MERGE_HEAD').ok,
  };
}

describe('repository facts', () => {
  it('tells repositories from other folders', async () => {
    const repo = makeRepo(temp);
    expect(await adapter.isRepo(repo)).toBe(true);
    expect(await adapter.isRepo(path.join(repo, '.git', '..'))).toBe(true);
    expect(await adapter.isRepo(temp.make())).toBe(false);
    expect(await adapter.isRepo('/does/not/exist')).toBe(false);
    await expectGitError(adapter.root(temp.make()), 'git.not-a-repo');
  });

  it('reports the branch, a detached HEAD and an unborn branch', async () => {
    const repo = makeRepo(temp);
    const sha = git(repo, 'rev-parse', 'HEAD');
    expect(await adapter.currentBranch(repo)).toEqual({
      kind: 'branch',
      branch: 'main',
      commit: sha,
    });
    git(repo, 'checkout', '-q', '-b', 'feature/x');
    expect(await adapter.head(repo)).toMatchObject({ kind: 'branch', branch: 'feature/x' });
    git(repo, 'checkout', '-q', '--detach');
    expect(await adapter.head(repo)).toEqual({ kind: 'detached', commit: sha });

    const empty = temp.make();
    git(empty, 'init', '-q', '-b', 'trunk');
    expect(await adapter.head(empty)).toEqual({ kind: 'branch', branch: 'trunk', commit: null });
  });

  it('says git is not installed when the binary is missing', async () => {
    const broken = new Git({ binary: '/nonexistent/bin/git', env: GIT_TEST_ENV });
    await expectGitError(broken.isRepo(temp.make()), 'git.not-installed');
    await expectGitError(broken.head(temp.make()), 'git.not-installed');
  });
});

describe('keeping .clave/ out of git', () => {
  it('uses info/exclude, never the tracked .gitignore, and is idempotent', async () => {
    const repo = makeRepo(temp);
    const gitignore = readFileSync(path.join(repo, '.gitignore'), 'utf8');
    await adapter.ensureExcluded(repo);
    await adapter.ensureExcluded(repo);
    write(repo, '.clave/wt/s-x/file', 'x');
    expect(git(repo, 'status', '--porcelain', '--untracked-files=all')).toBe('');
    expect(readFileSync(path.join(repo, '.gitignore'), 'utf8')).toBe(gitignore);
    const exclude = readFileSync(path.join(repo, '.git/info/exclude'), 'utf8');
    expect(exclude.split('\n').filter((l) => l === '/.clave/')).toHaveLength(1);
  });

  it('leaves info/exclude alone when .clave/ is already ignored', async () => {
    const repo = makeRepo(temp, { '.gitignore': '.clave/\n' });
    const before = readFileSync(path.join(repo, '.git/info/exclude'), 'utf8');
    await adapter.ensureExcluded(repo);
    expect(readFileSync(path.join(repo, '.git/info/exclude'), 'utf8')).toBe(before);
  });
});

describe('session copies', () => {
  it('clones HEAD onto clave/s-<id> at .clave/wt/s-<id>, with .env copied in', async () => {
    const repo = makeRepo(temp, { 'app.php': '<?php\n' });
    write(repo, '.env', 'APP_KEY=secret\n');
    write(repo, 'node_modules/big/index.js', 'x');
    write(repo, 'notes.txt', 'untracked, not ignored\n');
    const sha = git(repo, 'rev-parse', 'HEAD');

    const copy = await adapter.createSessionCopy({ repo, id: 'a1b2c3d4' });

    expect(copy.path).toBe(path.join(repo, '.clave', 'wt', 's-a1b2c3d4'));
    expect(copy.branch).toBe('clave/s-a1b2c3d4');
    expect(copy.base).toEqual({ kind: 'branch', branch: 'main', commit: sha });
    expect(copy.included).toEqual(['.env']);
    expect(statSync(path.join(copy.path, '.git')).isDirectory()).toBe(true);
    expect(existsSync(path.join(copy.path, '.git/objects/info/alternates'))).toBe(false);
    expect(git(copy.path, 'symbolic-ref', 'HEAD')).toBe('refs/heads/clave/s-a1b2c3d4');
    expect(git(copy.path, 'rev-parse', 'HEAD')).toBe(sha);
    expect(readFileSync(path.join(copy.path, '.env'), 'utf8')).toBe('APP_KEY=secret\n');
    expect(existsSync(path.join(copy.path, 'app.php'))).toBe(true);
    expect(existsSync(path.join(copy.path, 'node_modules'))).toBe(false);
    expect(existsSync(path.join(copy.path, 'notes.txt'))).toBe(false);
    expect(git(copy.path, 'status', '--porcelain')).toBe('');
    // The main working copy is not dirtied by the copy living inside it.
    expect(git(repo, 'status', '--porcelain')).toBe('?? notes.txt');
  });

  it('is a working repository on its own, at another path (as in the VM)', async () => {
    const repo = makeRepo(temp);
    const copy = await adapter.createSessionCopy({ repo, id: 'vmpath' });
    const vmRoot = path.join(temp.make(), 'srv-project');
    cpSync(copy.path, vmRoot, { recursive: true });
    // The host path no longer exists, like inside the VM.
    renameSync(path.dirname(repo), `${path.dirname(repo)}-gone`);
    try {
      write(vmRoot, 'new.txt', 'from the VM\n');
      git(vmRoot, 'add', 'new.txt');
      git(vmRoot, 'commit', '-q', '-m', 'in the vm');
      expect(git(vmRoot, 'log', '--format=%s')).toBe('in the vm\ninitial');
      expect(git(vmRoot, 'fsck', '--no-dangling')).toBe('');
    } finally {
      renameSync(`${path.dirname(repo)}-gone`, path.dirname(repo));
    }
  });

  it('copies .env plus ignored files listed in .worktreeinclude and in config', async () => {
    const repo = makeRepo(temp, { '.worktreeinclude': '# extra files\n.env\nstorage/*.key\n' });
    write(repo, '.env', 'A=1\n');
    write(repo, 'storage/oauth.key', 'k');
    write(repo, 'storage/other.txt', 'not ignored');
    write(repo, 'node_modules/x/y.js', 'x');
    const fromFile = await adapter.createSessionCopy({ repo, id: 'inc1' });
    expect(fromFile.included.sort()).toEqual(['.env', 'storage/oauth.key']);
    expect(readFileSync(path.join(fromFile.path, 'storage/oauth.key'), 'utf8')).toBe('k');

    const withConfig = await adapter.createSessionCopy({
      repo,
      id: 'inc2',
      include: ['node_modules/'],
    });
    expect(withConfig.included.sort()).toEqual(['.env', 'node_modules/', 'storage/oauth.key']);
    expect(existsSync(path.join(withConfig.path, 'node_modules/x/y.js'))).toBe(true);
    expect(existsSync(path.join(withConfig.path, 'storage/other.txt'))).toBe(false);
  });

  it('copies from a detached HEAD and records it as the base', async () => {
    const repo = makeRepo(temp);
    write(repo, 'two.txt', '2');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'two');
    git(repo, 'checkout', '-q', 'HEAD~1');
    const sha = git(repo, 'rev-parse', 'HEAD');
    const copy = await adapter.createSessionCopy({ repo, id: 'det' });
    expect(copy.base).toEqual({ kind: 'detached', commit: sha });
    expect(git(copy.path, 'rev-parse', 'HEAD')).toBe(sha);
    expect(git(copy.path, 'symbolic-ref', 'HEAD')).toBe('refs/heads/clave/s-det');
  });

  it('refuses a repo without commits, an existing copy and a bad id', async () => {
    const empty = temp.make();
    git(empty, 'init', '-q');
    await expectGitError(adapter.createSessionCopy({ repo: empty, id: 'x' }), 'git.no-commits');
    const repo = makeRepo(temp);
    await adapter.createSessionCopy({ repo, id: 'dup' });
    await expectGitError(adapter.createSessionCopy({ repo, id: 'dup' }), 'git.copy-exists');
    await expectGitError(adapter.createSessionCopy({ repo, id: '../evil' }), 'git.invalid-input');
    await expectGitError(adapter.createSessionCopy({ repo, id: '-x' }), 'git.invalid-input');
    await expectGitError(
      adapter.createSessionCopy({ repo: temp.make(), id: 'x' }),
      'git.not-a-repo',
    );
  });

  it('lists session copies', async () => {
    const repo = makeRepo(temp);
    await adapter.createSessionCopy({ repo, id: 'one' });
    await adapter.createSessionCopy({ repo, id: 'two' });
    mkdirSync(path.join(repo, '.clave/wt/s-broken'));
    mkdirSync(path.join(repo, '.clave/wt/not-a-session'));
    const list = await adapter.listSessionCopies(repo);
    expect(list.map((c) => [c.id, c.branch, c.isRepo])).toEqual([
      ['broken', 'clave/s-broken', false],
      ['one', 'clave/s-one', true],
      ['two', 'clave/s-two', true],
    ]);
    expect(list[1]?.head).toMatchObject({ kind: 'branch', branch: 'clave/s-one' });
    expect(await adapter.listSessionCopies(makeRepo(temp))).toEqual([]);
  });
});

describe('work in the copy', () => {
  it('reports status, commits everything, and counts commits ahead of the base', async () => {
    const repo = makeRepo(temp);
    const copy = await adapter.createSessionCopy({ repo, id: 'work' });
    expect(await adapter.hasUncommitted(copy.path)).toBe(false);
    write(copy.path, 'README.md', 'changed\n');
    write(copy.path, 'dir with space/new file.txt', 'n');
    git(copy.path, 'mv', '.gitignore', 'gitignore.moved');
    const status = await adapter.status(copy.path);
    expect(status).toEqual(
      expect.arrayContaining([
        { path: 'README.md', index: ' ', worktree: 'M' },
        { path: 'dir with space/new file.txt', index: '?', worktree: '?' },
        { path: 'gitignore.moved', origPath: '.gitignore', index: 'R', worktree: ' ' },
      ]),
    );
    const sha = await adapter.commitAll(copy.path, 'WIP: session work\n\nwith "quotes" and $(x)');
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(await adapter.hasUncommitted(copy.path)).toBe(false);
    expect(await adapter.commitAll(copy.path, 'nothing')).toBeNull();
    const ahead = await adapter.commitsAhead(copy.path, copy.base.commit);
    expect(ahead).toHaveLength(1);
    expect(ahead[0]).toMatchObject({ sha, subject: 'WIP: session work', author: 'Test' });
    expect(git(copy.path, 'log', '-1', '--format=%B')).toBe(
      'WIP: session work\n\nwith "quotes" and $(x)',
    );
  });

  it('commits with a fallback identity when none is configured', async () => {
    const repo = makeRepo(temp);
    const bare: NodeJS.ProcessEnv = { ...GIT_TEST_ENV };
    for (const key of [
      'GIT_AUTHOR_NAME',
      'GIT_AUTHOR_EMAIL',
      'GIT_COMMITTER_NAME',
      'GIT_COMMITTER_EMAIL',
    ]) {
      delete bare[key];
    }
    const plain = new Git({
      env: bare,
      identity: { name: 'Clave Bot', email: 'bot@clave.invalid' },
    });
    const copy = await plain.createSessionCopy({ repo, id: 'ident' });
    write(copy.path, 'x.txt', 'x');
    await plain.commitAll(copy.path, 'by clave');
    expect(git(copy.path, 'log', '-1', '--format=%an <%ae>')).toBe('Clave Bot <bot@clave.invalid>');
  });
});

describe('the identity of the session copy', () => {
  const bareEnv = (globalConfig: string): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...GIT_TEST_ENV, GIT_CONFIG_GLOBAL: globalConfig };
    for (const k of [
      'GIT_AUTHOR_NAME',
      'GIT_AUTHOR_EMAIL',
      'GIT_COMMITTER_NAME',
      'GIT_COMMITTER_EMAIL',
    ])
      delete env[k];
    return env;
  };
  const local = (copy: string, key: string) => git(copy, 'config', '--local', '--get', key);

  it("is the user's: repo-local config over global, written to the copy's own config", async () => {
    const global = path.join(temp.make(), 'gitconfig');
    write(
      path.dirname(global),
      'gitconfig',
      '[user]\n\tname = Global Name\n\temail = global@example.com\n',
    );
    const repo = makeRepo(temp);
    git(repo, 'config', 'user.name', 'Ada "Q" Lövelace');
    const copy = await new Git({ env: bareEnv(global) }).createSessionCopy({ repo, id: 'who1' });
    expect(local(copy.path, 'user.name')).toBe('Ada "Q" Lövelace');
    expect(local(copy.path, 'user.email')).toBe('global@example.com');
  });

  it('is the clear Clave fallback when git knows no user', async () => {
    const repo = makeRepo(temp);
    const copy = await new Git({ env: bareEnv('/dev/null') }).createSessionCopy({
      repo,
      id: 'who2',
    });
    expect(`${local(copy.path, 'user.name')} <${local(copy.path, 'user.email')}>`).toBe(
      `${FALLBACK_IDENTITY.name} <${FALLBACK_IDENTITY.email}>`,
    );
    expect(FALLBACK_IDENTITY).toEqual({ name: 'Clave Agent', email: 'agent@clave.invalid' });
  });
});

async function sessionWithCommit(id: string, file = 'feature.txt', content = 'feature\n') {
  const repo = makeRepo(temp, { 'shared.txt': 'line 1\nline 2\n' });
  const copy = await adapter.createSessionCopy({ repo, id });
  write(copy.path, file, content);
  await adapter.commitAll(copy.path, `session ${id}`);
  return { repo, copy };
}

describe('merge back', () => {
  it('fast-forwards the checked-out base branch', async () => {
    const { repo, copy } = await sessionWithCommit('ff');
    const tip = git(copy.path, 'rev-parse', 'HEAD');
    const result = await adapter.mergeBack({ repo, id: 'ff', into: 'main' });
    expect(result).toEqual({ status: 'merged', into: 'main', commit: tip, fastForward: true });
    expect(readFileSync(path.join(repo, 'feature.txt'), 'utf8')).toBe('feature\n');
    expect(git(repo, 'status', '--porcelain')).toBe('');
    expect(git(repo, 'rev-parse', 'clave/s-ff')).toBe(tip);
  });

  it('creates a merge commit when the base moved on without conflict', async () => {
    const { repo } = await sessionWithCommit('mc');
    write(repo, 'other.txt', 'main moved\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'main work');
    const result = await adapter.mergeBack({ repo, id: 'mc', into: 'main' });
    expect(result).toMatchObject({ status: 'merged', into: 'main', fastForward: false });
    expect(git(repo, 'rev-list', '--parents', '-n1', 'HEAD').split(' ')).toHaveLength(3);
    expect(existsSync(path.join(repo, 'feature.txt'))).toBe(true);
    expect(git(repo, 'status', '--porcelain')).toBe('');
  });

  it('aborts on conflict and leaves the main repo exactly as it was', async () => {
    const { repo } = await sessionWithCommit('cf', 'shared.txt', 'line 1 from session\nline 2\n');
    write(repo, 'shared.txt', 'line 1 from main\nline 2\n');
    git(repo, 'commit', '-q', '-am', 'main edit');
    write(repo, 'scratch.txt', 'untracked user file\n');
    const before = snapshot(repo);
    const result = await adapter.mergeBack({ repo, id: 'cf', into: 'main' });
    expect(result).toEqual({ status: 'conflict', into: 'main', files: ['shared.txt'] });
    expect(snapshot(repo)).toEqual(before);
    expect(readFileSync(path.join(repo, 'shared.txt'), 'utf8')).toBe('line 1 from main\nline 2\n');
  });

  it('refuses when the target working tree has uncommitted changes', async () => {
    const { repo } = await sessionWithCommit('dirty');
    write(repo, 'README.md', 'user is editing\n');
    const before = snapshot(repo);
    await expectGitError(
      adapter.mergeBack({ repo, id: 'dirty', into: 'main' }),
      'git.target-dirty',
    );
    expect(snapshot(repo)).toEqual(before);
  });

  it('refuses while the copy has uncommitted work', async () => {
    const { repo, copy } = await sessionWithCommit('unc');
    write(copy.path, 'late.txt', 'not committed');
    await expectGitError(
      adapter.mergeBack({ repo, id: 'unc', into: 'main' }),
      'git.uncommitted-work',
    );
  });

  it('reports up-to-date when the session made no commits', async () => {
    const repo = makeRepo(temp);
    await adapter.createSessionCopy({ repo, id: 'noop' });
    const head = git(repo, 'rev-parse', 'HEAD');
    expect(await adapter.mergeBack({ repo, id: 'noop', into: 'main' })).toEqual({
      status: 'up-to-date',
      into: 'main',
      commit: head,
    });
  });

  it('merges into a branch that is not checked out without touching the working tree', async () => {
    const { repo } = await sessionWithCommit('away');
    git(repo, 'checkout', '-q', '-b', 'elsewhere');
    write(repo, 'README.md', 'user edits on another branch\n');
    // main moves on too, so this is a real (non fast-forward) merge.
    git(repo, 'stash', '-q');
    git(repo, 'checkout', '-q', 'main');
    write(repo, 'main-only.txt', 'm');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'main only');
    git(repo, 'checkout', '-q', 'elsewhere');
    git(repo, 'stash', 'pop', '-q');
    const before = snapshot(repo);
    const result = await adapter.mergeBack({ repo, id: 'away', into: 'main' });
    expect(result).toMatchObject({ status: 'merged', into: 'main', fastForward: false });
    expect(snapshot(repo)).toEqual(before);
    expect(git(repo, 'show', 'main:feature.txt')).toBe('feature');
    expect(git(repo, 'show', 'main:main-only.txt')).toBe('m');
    expect(git(repo, 'rev-list', '--parents', '-n1', 'main').split(' ')).toHaveLength(3);
  });

  it('reports a conflict on a branch that is not checked out and changes nothing', async () => {
    const { repo } = await sessionWithCommit('awaycf', 'shared.txt', 'session\n');
    write(repo, 'shared.txt', 'main\n');
    git(repo, 'commit', '-q', '-am', 'main edit');
    git(repo, 'checkout', '-q', '-b', 'elsewhere');
    const mainBefore = git(repo, 'rev-parse', 'main');
    const result = await adapter.mergeBack({ repo, id: 'awaycf', into: 'main' });
    expect(result).toEqual({ status: 'conflict', into: 'main', files: ['shared.txt'] });
    expect(git(repo, 'rev-parse', 'main')).toBe(mainBefore);
  });

  it('aborts a conflicting merge on a git without merge-tree --write-tree', async () => {
    // A real git that claims to be 2.30: the adapter must fall back to merge + abort.
    const bin = temp.make();
    const wrapper = path.join(bin, 'git');
    write(
      bin,
      'git',
      `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "git version 2.30.0"; exit 0; fi\nexec ${execPathOfGit()} "$@"\n`,
    );
    chmodSync(wrapper, 0o755);
    const oldGit = new Git({ binary: wrapper, env: GIT_TEST_ENV });
    const { repo } = await sessionWithCommit('old', 'shared.txt', 'session\n');
    write(repo, 'shared.txt', 'main\n');
    git(repo, 'commit', '-q', '-am', 'main edit');
    const before = snapshot(repo);
    const result = await oldGit.mergeBack({ repo, id: 'old', into: 'main' });
    expect(result).toEqual({ status: 'conflict', into: 'main', files: ['shared.txt'] });
    expect(snapshot(repo)).toEqual(before);
  });

  it('rejects an unknown target branch', async () => {
    const { repo } = await sessionWithCommit('tgt');
    await expectGitError(
      adapter.mergeBack({ repo, id: 'tgt', into: 'nope' }),
      'git.target-missing',
    );
    await expectGitError(
      adapter.mergeBack({ repo, id: 'tgt', into: '--force' }),
      'git.invalid-input',
    );
    await expectGitError(adapter.mergeBack({ repo, id: 'zzz', into: 'main' }), 'git.copy-missing');
  });
});

function execPathOfGit(): string {
  return execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
}

describe('removing copies and branches', () => {
  it('refuses to remove a copy with uncommitted or unmerged work unless forced', async () => {
    const { repo, copy } = await sessionWithCommit('rm1');
    await expectGitError(adapter.removeCopy({ repo, id: 'rm1' }), 'git.unmerged-work');
    write(copy.path, 'pending.txt', 'p');
    await expectGitError(adapter.removeCopy({ repo, id: 'rm1' }), 'git.uncommitted-work');
    expect(existsSync(copy.path)).toBe(true);
    expect(await adapter.removeCopy({ repo, id: 'rm1', force: true })).toBe(true);
    expect(existsSync(copy.path)).toBe(false);
    expect(await adapter.removeCopy({ repo, id: 'rm1' })).toBe(false);
  });

  it('removes a copy whose work is merged (or that has none)', async () => {
    const { repo, copy } = await sessionWithCommit('rm2');
    await adapter.mergeBack({ repo, id: 'rm2', into: 'main' });
    expect(await adapter.removeCopy({ repo, id: 'rm2' })).toBe(true);
    expect(existsSync(copy.path)).toBe(false);
    const clean = await adapter.createSessionCopy({ repo, id: 'rm3' });
    expect(await adapter.removeCopy({ repo, id: 'rm3' })).toBe(true);
    expect(existsSync(clean.path)).toBe(false);
  });

  it('treats a commit on another copy branch as unmerged work', async () => {
    const repo = makeRepo(temp);
    const copy = await adapter.createSessionCopy({ repo, id: 'side' });
    git(copy.path, 'checkout', '-q', '-b', 'agent-experiment');
    write(copy.path, 'exp.txt', 'e');
    await adapter.commitAll(copy.path, 'experiment');
    git(copy.path, 'checkout', '-q', 'clave/s-side');
    const error = await expectGitError(
      adapter.removeCopy({ repo, id: 'side' }),
      'git.unmerged-work',
    );
    expect(error.why).toContain('agent-experiment');
  });

  it('never follows a symlink out of .clave/wt', async () => {
    const repo = makeRepo(temp);
    const outside = temp.make();
    write(outside, 'precious.txt', 'keep me');
    mkdirSync(path.join(repo, '.clave/wt'), { recursive: true });
    symlinkSync(outside, path.join(repo, '.clave/wt/s-evil'));
    await expectGitError(adapter.removeCopy({ repo, id: 'evil', force: true }), 'git.unsafe-path');
    expect(existsSync(path.join(outside, 'precious.txt'))).toBe(true);
  });

  it('deletes a merged session branch, refuses an unmerged one unless forced', async () => {
    const { repo } = await sessionWithCommit('br');
    // Fetch the branch into the main repo without merging: a conflict-free way is mergeBack
    // into a throwaway branch.
    git(repo, 'branch', 'scratch', 'main');
    await adapter.mergeBack({ repo, id: 'br', into: 'scratch' });
    expect(await adapter.deleteBranch({ repo, branch: 'clave/s-br' })).toBe(true);
    expect(gitMaybe(repo, 'rev-parse', '--verify', 'clave/s-br').ok).toBe(false);

    const second = await sessionWithCommit('br2', 'shared.txt', 'session\n');
    git(second.repo, 'branch', 'target', 'main');
    write(second.repo, 'shared.txt', 'conflict\n');
    git(second.repo, 'commit', '-q', '-am', 'main edit');
    const r = await adapter.mergeBack({ repo: second.repo, id: 'br2', into: 'main' });
    expect(r.status).toBe('conflict');
    // The fetched session branch holds the only copy of the session's commit in the main repo.
    await expectGitError(
      adapter.deleteBranch({ repo: second.repo, branch: 'clave/s-br2' }),
      'git.unmerged-work',
    );
    // The copy can go (its work is safe in the main repo's branch) …
    expect(await adapter.removeCopy({ repo: second.repo, id: 'br2' })).toBe(true);
    // … but the branch only goes when forced.
    expect(
      await adapter.deleteBranch({ repo: second.repo, branch: 'clave/s-br2', force: true }),
    ).toBe(true);
    expect(await adapter.deleteBranch({ repo: second.repo, branch: 'clave/s-br2' })).toBe(false);
    await expectGitError(
      adapter.deleteBranch({ repo: second.repo, branch: 'main', force: true }),
      'git.branch-checked-out',
    );
  });
});
