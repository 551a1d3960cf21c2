// Repository facts (root, HEAD, status, commits ahead) and keeping .clave/ out of git.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { firstLine } from '../errors';
import { GitError } from './errors';
import { parseLog, parsePorcelainZ } from './parse';
import { GitRunner } from './runner';
import type { CommitInfo, FileChange, HeadInfo } from './types';

export class GitQueries extends GitRunner {
  // ---------------------------------------------------------------- repository facts

  async isRepo(dir: string): Promise<boolean> {
    try {
      const r = await this.raw(['rev-parse', '--is-inside-work-tree'], { cwd: dir });
      return r.exitCode === 0 && r.stdout.trim() === 'true';
    } catch (error) {
      if (error instanceof GitError && error.code === 'git.not-installed') throw error;
      return false;
    }
  }

  /** The top-level directory of the repository containing `dir`. */
  async root(dir: string): Promise<string> {
    const r = await this.raw(['rev-parse', '--show-toplevel'], { cwd: dir }).catch(() => null);
    if (r === null || r.exitCode !== 0) {
      throw new GitError({
        code: 'git.not-a-repo',
        what: `${dir} is not a git repository`,
        why: r === null ? 'The folder cannot be read.' : firstLine(r.stderr),
        fix: 'Choose a folder that is a git repository, or run `git init` there and make a first commit.',
      });
    }
    return r.stdout.trim();
  }

  /** The current branch, or the commit for a detached HEAD. `commit` is null before the first commit. */
  async head(dir: string): Promise<HeadInfo> {
    const sym = await this.git(['symbolic-ref', '-q', 'HEAD'], { cwd: dir, okCodes: [1] });
    const commit = await this.resolve(dir, 'HEAD');
    if (sym.exitCode === 0) {
      const ref = sym.stdout.trim();
      return {
        kind: 'branch',
        branch: ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ref,
        commit,
      };
    }
    if (commit === null) throw this.failed('Could not read HEAD', sym);
    return { kind: 'detached', commit };
  }

  /** Alias of `head` for the preflight step's vocabulary. */
  currentBranch(dir: string): Promise<HeadInfo> {
    return this.head(dir);
  }

  /** Resolve a revision to a commit id, or null if it does not exist. */
  async resolve(dir: string, rev: string): Promise<string | null> {
    const r = await this.git(
      ['rev-parse', '-q', '--verify', '--end-of-options', `${rev}^{commit}`],
      {
        cwd: dir,
        okCodes: [1, 128],
      },
    );
    return r.exitCode === 0 ? r.stdout.trim() : null;
  }

  /** Uncommitted changes, untracked files included (ignored files are not). */
  async status(dir: string): Promise<FileChange[]> {
    const r = await this.git(['status', '--porcelain=v1', '-z', '--untracked-files=all'], {
      cwd: dir,
    });
    return parsePorcelainZ(r.stdout);
  }

  async hasUncommitted(dir: string): Promise<boolean> {
    return (await this.status(dir)).length > 0;
  }

  /** Commits reachable from `head` but not from `base`, newest first. */
  async commitsAhead(dir: string, base: string, head = 'HEAD'): Promise<CommitInfo[]> {
    const r = await this.git(
      ['log', '--format=%H%x1f%s%x1f%an%x1f%aI%x1e', '--end-of-options', `${base}..${head}`],
      { cwd: dir },
    );
    return parseLog(r.stdout);
  }

  // ---------------------------------------------------------------- keeping .clave/ out of git

  /**
   * Make sure `pattern` is ignored without touching tracked files: append it to the repo's
   * `info/exclude` (found through `git rev-parse --git-path`, so linked worktrees work too).
   */
  async ensureExcluded(repo: string, pattern = '/.clave/'): Promise<void> {
    const probe = pattern.replace(/^\//, '');
    const check = await this.git(['check-ignore', '-q', '--no-index', '--', probe], {
      cwd: repo,
      okCodes: [1],
    });
    if (check.exitCode === 0) return;
    const r = await this.git(['rev-parse', '--git-path', 'info/exclude'], { cwd: repo });
    const excludeFile = path.resolve(repo, r.stdout.trim());
    await mkdir(path.dirname(excludeFile), { recursive: true });
    const current = await readFile(excludeFile, 'utf8').catch(() => '');
    if (current.split(/\r?\n/).some((line) => line.trim() === pattern)) return;
    const prefix = current === '' || current.endsWith('\n') ? '' : '\n';
    await writeFile(excludeFile, `${current}${prefix}# Clave session copies\n${pattern}\n`);
  }
}
