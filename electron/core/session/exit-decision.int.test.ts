import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { Git } from '../host/git';
import { applyExitDecision, type ExitTarget } from './exit-decision';

const root = mkdtempSync(path.join(tmpdir(), 'clave-exit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const git = new Git();
const sh = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@t',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@t',
    },
  }).trim();

let n = 0;
let repo: string;
let target: ExitTarget;
let copy: string;

beforeEach(async () => {
  repo = path.join(root, `repo ${++n} "q" ü`);
  execFileSync('mkdir', ['-p', repo]);
  sh(repo, 'init', '-q', '-b', 'main');
  writeFileSync(path.join(repo, 'artisan'), '#!/usr/bin/env php\n');
  writeFileSync(path.join(repo, 'a.txt'), 'one\n');
  sh(repo, 'add', '-A');
  sh(repo, 'commit', '-qm', 'init');
  const id = `abcd${String(n).padStart(4, '0')}`;
  const c = await git.createSessionCopy({ repo, id });
  copy = c.path;
  target = {
    repo,
    id,
    copy: c.path,
    branch: c.branch,
    baseBranch: 'main',
    baseCommit: c.base.commit,
  };
});

describe('exit decision on real git', () => {
  it('merge commits uncommitted work, lands it on the base branch and removes the copy', async () => {
    writeFileSync(path.join(copy, 'b.txt'), 'from the agent\n');
    const r = await applyExitDecision(git, target, 'merge');
    expect(r).toEqual({ outcome: 'merged', problem: null });
    expect(readFileSync(path.join(repo, 'b.txt'), 'utf8')).toBe('from the agent\n');
    expect(sh(repo, 'status', '--porcelain')).toBe('');
    expect(existsSync(copy)).toBe(false);
    expect(sh(repo, 'branch', '--list', target.branch)).toBe('');
  });

  it('a conflicting merge keeps everything exactly as it was', async () => {
    writeFileSync(path.join(copy, 'a.txt'), 'agent\n');
    writeFileSync(path.join(repo, 'a.txt'), 'user\n');
    sh(repo, 'commit', '-qam', 'user change');
    const before = sh(repo, 'rev-parse', 'HEAD');
    const r = await applyExitDecision(git, target, 'merge');
    expect(r.outcome).toBe('kept');
    expect(r.problem?.what).toMatch(/conflict/);
    expect(sh(repo, 'rev-parse', 'HEAD')).toBe(before);
    expect(readFileSync(path.join(repo, 'a.txt'), 'utf8')).toBe('user\n');
    expect(readFileSync(path.join(copy, 'a.txt'), 'utf8')).toBe('agent\n');
  });

  it('discard refuses work found nowhere else, and force throws it away', async () => {
    writeFileSync(path.join(copy, 'c.txt'), 'precious\n');
    const refused = await applyExitDecision(git, target, 'discard');
    expect(refused.outcome).toBe('kept');
    expect(existsSync(path.join(copy, 'c.txt'))).toBe(true);
    const forced = await applyExitDecision(git, target, 'discard', true);
    expect(forced).toEqual({ outcome: 'discarded', problem: null });
    expect(existsSync(copy)).toBe(false);
  });

  it('discard of an untouched copy needs no force; keep touches nothing', async () => {
    expect(await applyExitDecision(git, target, 'keep')).toEqual({
      outcome: 'kept',
      problem: null,
    });
    expect(existsSync(copy)).toBe(true);
    expect(await applyExitDecision(git, target, 'discard')).toEqual({
      outcome: 'discarded',
      problem: null,
    });
  });

  describe('squash merge', () => {
    const log = (format: string) => sh(repo, 'log', `--format=${format}`, 'main');

    it("lands the agent's commits and uncommitted work as one commit with the message given", async () => {
      const before = sh(repo, 'rev-parse', 'main');
      writeFileSync(path.join(copy, 'a.txt'), 'one\ntwo\n');
      sh(copy, 'commit', '-qam', 'agent one');
      writeFileSync(path.join(copy, 'b.txt'), 'b\n');
      sh(copy, 'add', '-A');
      sh(copy, 'commit', '-qm', 'agent two');
      writeFileSync(path.join(copy, 'c.txt'), 'uncommitted\n');
      const r = await applyExitDecision(git, target, 'merge', false, {
        squash: true,
        message: 'Add b and c\n\nSquashed by hand.',
      });
      expect(r).toEqual({ outcome: 'merged', problem: null });
      expect(sh(repo, 'rev-parse', 'main~1')).toBe(before);
      expect(sh(repo, 'rev-list', '--parents', '-n', '1', 'main').split(' ')).toHaveLength(2);
      expect(sh(repo, 'log', '-1', '--format=%B', 'main')).toBe('Add b and c\n\nSquashed by hand.');
      expect(readFileSync(path.join(repo, 'a.txt'), 'utf8')).toBe('one\ntwo\n');
      expect(readFileSync(path.join(repo, 'c.txt'), 'utf8')).toBe('uncommitted\n');
      expect(sh(repo, 'status', '--porcelain')).toBe('');
      expect(existsSync(copy)).toBe(false);
      expect(sh(repo, 'branch', '--list', target.branch)).toBe('');
    });

    it("without a message, the commit's message lists the agent's commits, oldest first", async () => {
      writeFileSync(path.join(copy, 'a.txt'), 'x\n');
      sh(copy, 'commit', '-qam', 'first change');
      writeFileSync(path.join(copy, 'a.txt'), 'y\n');
      sh(copy, 'commit', '-qam', 'second change');
      const r = await applyExitDecision(git, target, 'merge', false, { squash: true });
      expect(r.outcome).toBe('merged');
      expect(log('%s')).toBe(`Clave session ${target.id}: 2 commits\ninit`);
      expect(sh(repo, 'log', '-1', '--format=%b', 'main')).toBe('* first change\n* second change');
    });

    it('moves a base branch that is not checked out without touching any working tree', async () => {
      sh(repo, 'checkout', '-qb', 'elsewhere');
      writeFileSync(path.join(copy, 'b.txt'), 'b\n');
      const r = await applyExitDecision(git, target, 'merge', false, {
        squash: true,
        message: 'one',
      });
      expect(r.outcome).toBe('merged');
      expect(sh(repo, 'log', '-1', '--format=%s', 'main')).toBe('one');
      expect(sh(repo, 'show', 'main:b.txt')).toBe('b');
      expect(existsSync(path.join(repo, 'b.txt'))).toBe(false);
      expect(sh(repo, 'symbolic-ref', '--short', 'HEAD')).toBe('elsewhere');
    });

    it('a conflict changes nothing and keeps the copy', async () => {
      writeFileSync(path.join(copy, 'a.txt'), 'agent\n');
      sh(copy, 'commit', '-qam', 'agent');
      writeFileSync(path.join(repo, 'a.txt'), 'user\n');
      sh(repo, 'commit', '-qam', 'user change');
      const before = sh(repo, 'rev-parse', 'HEAD');
      const r = await applyExitDecision(git, target, 'merge', false, {
        squash: true,
        message: 'm',
      });
      expect(r.outcome).toBe('kept');
      expect(r.problem?.what).toMatch(/conflict/);
      expect(sh(repo, 'rev-parse', 'HEAD')).toBe(before);
      expect(sh(repo, 'status', '--porcelain')).toBe('');
      expect(readFileSync(path.join(repo, 'a.txt'), 'utf8')).toBe('user\n');
      expect(readFileSync(path.join(copy, 'a.txt'), 'utf8')).toBe('agent\n');
    });
  });
});
