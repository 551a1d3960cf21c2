import { cpSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { Git } from '../../host/git';
import { GIT_TEST_ENV, TempDirs, git, makeRepo, write } from '../../host/testing/temp-repo';
import { StepAbort } from '../problem';
import {
  MAX_DIFF_BYTES,
  MAX_LISTED_FILES,
  SessionChanges,
  type ChangeTarget,
} from './session-changes';

const temp = new TempDirs();
afterAll(() => temp.cleanup());
const adapter = new Git({ env: GIT_TEST_ENV, timeoutMs: 60_000 });

let target: ChangeTarget;
let changes: SessionChanges;
let n = 0;

beforeEach(async () => {
  const repo = makeRepo(temp, {
    'app/keep.php': '<?php\n// one\n// two\n',
    'app/move-me.php': '<?php\n' + 'line\n'.repeat(20),
    'app/gone.php': '<?php\n',
    'logo.bin': '\x00\x01\x02',
  });
  const id = `chg${String(++n).padStart(5, '0')}`;
  const copy = await adapter.createSessionCopy({ repo, id });
  target = {
    id,
    projectDir: repo,
    worktreeDir: copy.path,
    baseBranch: 'main',
    baseCommit: copy.base.commit,
    branch: copy.branch,
  };
  changes = new SessionChanges(adapter, (sid) => {
    if (sid !== id) throw new StepAbort({ what: `No session ${sid}` });
    return target;
  });
});

/** The agent's work: a commit (edit + rename + delete), then uncommitted, untracked and binary. */
function agentWorks(copy: string) {
  write(copy, 'app/keep.php', '<?php\n// one\n// TWO\n// three\n');
  git(copy, 'mv', 'app/move-me.php', 'app/moved.php');
  git(copy, 'rm', '-q', 'app/gone.php');
  git(copy, 'commit', '-qam', 'Rework keep\n\nBecause two was wrong.');
  write(copy, 'README.md', 'hello\nworld\n');
  write(copy, 'app/new.php', '<?php\necho 1;\n');
  writeFileSync(path.join(copy, 'logo.bin'), Buffer.from([0, 9, 9, 9]));
  write(copy, '.env', 'SECRET=ignored-by-git\n');
}

describe('changes of a session copy against its base', () => {
  it('lists committed, uncommitted and untracked files with counts, renames and binaries', async () => {
    const copy = target.worktreeDir!;
    agentWorks(copy);
    const indexBefore = readFileSync(path.join(copy, '.git', 'index'));
    const statusBefore = git(copy, 'status', '--porcelain=v1', '--untracked-files=all');

    const c = await changes.get(target.id);
    const byPath = Object.fromEntries(c.files.map((f) => [f.path, f]));
    expect(c.files.map((f) => f.path)).toEqual([
      'README.md',
      'app/gone.php',
      'app/keep.php',
      'app/moved.php',
      'app/new.php',
      'logo.bin',
    ]);
    expect(byPath['README.md']).toMatchObject({
      status: 'modified',
      additions: 1,
      deletions: 0,
      uncommitted: true,
    });
    expect(byPath['app/gone.php']).toMatchObject({
      status: 'deleted',
      additions: 0,
      deletions: 1,
      uncommitted: false,
    });
    expect(byPath['app/keep.php']).toMatchObject({
      status: 'modified',
      additions: 2,
      deletions: 1,
      uncommitted: false,
    });
    expect(byPath['app/moved.php']).toMatchObject({
      status: 'renamed',
      oldPath: 'app/move-me.php',
      additions: 0,
      deletions: 0,
      uncommitted: false,
    });
    expect(byPath['app/new.php']).toMatchObject({
      status: 'untracked',
      additions: 2,
      uncommitted: true,
    });
    expect(byPath['logo.bin']).toMatchObject({
      binary: true,
      additions: null,
      deletions: null,
      uncommitted: true,
    });
    expect(c.additions).toBe(1 + 2 + 2);
    expect(c.deletions).toBe(1 + 1);
    expect(c.truncated).toBe(false);
    expect(c.base).toEqual({ branch: 'main', commit: target.baseCommit, moved: false });
    expect(c.commits).toHaveLength(1);
    expect(c.commits[0]).toMatchObject({
      subject: 'Rework keep',
      body: 'Because two was wrong.',
      author: 'Test',
    });
    expect(c.commits[0]!.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(Number.isNaN(Date.parse(c.commits[0]!.date))).toBe(false);

    // The agent's index was never written, and git sees the copy exactly as before.
    expect(readFileSync(path.join(copy, '.git', 'index')).equals(indexBefore)).toBe(true);
    expect(git(copy, 'status', '--porcelain=v1', '--untracked-files=all')).toBe(statusBefore);
  });

  it('says when the base branch moved on, and lists commits newest first', async () => {
    const copy = target.worktreeDir!;
    write(copy, 'a.txt', '1\n');
    git(copy, 'add', '-A');
    git(copy, 'commit', '-qm', 'first');
    write(copy, 'a.txt', '2\n');
    git(copy, 'commit', '-qam', 'second');
    expect((await changes.get(target.id)).base.moved).toBe(false);
    write(target.projectDir, 'README.md', 'the user goes on\n');
    git(target.projectDir, 'commit', '-qam', 'user work');
    const c = await changes.get(target.id);
    expect(c.base.moved).toBe(true);
    expect(c.commits.map((x) => x.subject)).toEqual(['second', 'first']);
    const info = await changes.exitInfo(target.id);
    expect(info).toMatchObject({
      branch: target.branch,
      baseBranch: 'main',
      uncommittedFiles: [],
      commitsAhead: 2,
      filesChanged: 1,
      additions: 1,
      deletions: 0,
      baseMoved: true,
    });
  });

  it('an untouched copy has no changes', async () => {
    const c = await changes.get(target.id);
    expect(c).toMatchObject({
      files: [],
      additions: 0,
      deletions: 0,
      commits: [],
      truncated: false,
    });
    expect(await changes.exitInfo(target.id)).toMatchObject({
      filesChanged: 0,
      commitsAhead: 0,
      commits: [],
    });
  });

  it('a copy removed by hand has no changes to show (there is nothing left to lose)', async () => {
    rmSync(target.worktreeDir!, { recursive: true, force: true });
    expect((await changes.get(target.id)).files).toEqual([]);
  });

  it("diffs one file in git's format: edits, renames, untracked files; binaries are named", async () => {
    agentWorks(target.worktreeDir!);
    const keep = await changes.diff(target.id, 'app/keep.php');
    expect(keep.diff).toContain('diff --git a/app/keep.php b/app/keep.php');
    expect(keep.diff).toContain('-// two\n+// TWO\n+// three\n');
    expect(keep).toMatchObject({
      binary: false,
      truncated: false,
      totalBytes: Buffer.byteLength(keep.diff),
    });
    const moved = await changes.diff(target.id, 'app/moved.php');
    expect(moved.diff).toContain('rename from app/move-me.php\nrename to app/moved.php');
    const added = await changes.diff(target.id, 'app/new.php');
    expect(added.diff).toContain('new file mode 100644');
    expect(added.diff).toContain('+echo 1;');
    expect(await changes.diff(target.id, 'logo.bin')).toEqual({
      path: 'logo.bin',
      diff: '',
      binary: true,
      truncated: false,
      totalBytes: 0,
    });
    await expect(changes.diff(target.id, 'app/unchanged.php')).rejects.toMatchObject({
      problem: { what: expect.stringContaining('has no changes') as unknown },
    });
  });

  it('cuts a huge diff at the limit, at a line end, and says how big it is', async () => {
    const line = 'x'.repeat(99) + '\n';
    write(target.worktreeDir!, 'big.txt', line.repeat(50_000)); // 5 MB
    const d = await changes.diff(target.id, 'big.txt');
    expect(d.truncated).toBe(true);
    expect(d.totalBytes).toBeGreaterThan(5_000_000);
    expect(Buffer.byteLength(d.diff)).toBeLessThanOrEqual(MAX_DIFF_BYTES);
    expect(Buffer.byteLength(d.diff)).toBeGreaterThan(MAX_DIFF_BYTES - 200);
    expect(d.diff.endsWith('\n')).toBe(true);
  });

  it('lists at most MAX_LISTED_FILES files and still counts them all', async () => {
    const copy = target.worktreeDir!;
    for (let i = 0; i < MAX_LISTED_FILES + 5; i++) write(copy, `gen/f${i}.txt`, 'a\nb\n');
    const c = await changes.get(target.id);
    expect(c.truncated).toBe(true);
    expect(c.files).toHaveLength(MAX_LISTED_FILES);
    expect(c.additions).toBe(2 * (MAX_LISTED_FILES + 5));
    expect((await changes.exitInfo(target.id)).filesChanged).toBe(MAX_LISTED_FILES + 5);
  });
});

describe('clave diff --stat: the same as git diff --stat <base>', () => {
  // The range, precisely: the base commit against the copy's files as they are now, where an
  // untracked (not ignored) file counts as added, as after `git add --intent-to-add` of every
  // untracked file. Checked against git itself on a clone of the copy where that was done for real.
  function gitStat(copy: string, ...args: string[]) {
    const clone = path.join(temp.make('clave-stat-'), 'copy');
    cpSync(copy, clone, { recursive: true });
    git(clone, 'add', '--intent-to-add', '--all');
    // execFileSync through git() trims; the comparison is of git's exact text.
    return git(clone, 'diff', '--stat', target.baseCommit!, ...args);
  }

  it('matches for committed, uncommitted, untracked, renamed and binary files', async () => {
    agentWorks(target.worktreeDir!);
    write(
      target.worktreeDir!,
      'a very/long directory name/that is/deeper than eighty/columns/file name.php',
      'x\n'.repeat(300),
    );
    const ours = await changes.stat(target.id, [], 80);
    expect(ours.trim()).toBe(gitStat(target.worktreeDir!));
    expect(ours).toContain('app/new.php');
    expect(ours).toContain('Bin 3 -> 4 bytes');
    expect(ours).toMatch(/7 files changed/);
  });

  it('matches with paths, taken literally', async () => {
    agentWorks(target.worktreeDir!);
    write(target.worktreeDir!, 'app/*.php', 'glob-looking name\n');
    const ours = await changes.stat(target.id, ['app/*.php', 'README.md'], 80);
    expect(ours.trim()).toBe(
      gitStat(target.worktreeDir!, '--', ':(literal)app/*.php', 'README.md'),
    );
    expect(ours).toMatch(/2 files changed/);
  });

  it('has no stat for a copy without changes', async () => {
    expect(await changes.stat(target.id, [], 80)).toBe('');
    expect(statSync(target.worktreeDir!).isDirectory()).toBe(true);
  });
});
