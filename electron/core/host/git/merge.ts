// Merge policy: saving a copy's work as a commit and merging its branch back into the repo.
import { firstLine, tail } from '../errors';
import { GitError, invalid } from './errors';
import { exists, parseId, parsePorcelainZ } from './parse';
import { GitCopySync } from './copy-sync';
import type { MergeResult } from './types';

/** The git adapter (see runner.ts), with the merge policy on top of the session copies. */
export class Git extends GitCopySync {
  /**
   * Stage everything in `dir` and commit it. Returns the new commit, or null when there was
   * nothing to commit. Hooks are skipped: this is Clave saving work, not the user committing.
   */
  async commitAll(dir: string, message: string): Promise<string | null> {
    if (message.trim() === '') {
      throw invalid('A commit message cannot be empty.');
    }
    await this.git(['add', '-A'], { cwd: dir });
    const diff = await this.git(['diff', '--cached', '--quiet'], { cwd: dir, okCodes: [1] });
    if (diff.exitCode === 0) return null;
    await this.git([...(await this.identityArgs(dir)), 'commit', '-q', '--no-verify', '-F', '-'], {
      cwd: dir,
      input: message,
      what: 'Could not commit the session work',
    });
    return (await this.resolve(dir, 'HEAD')) ?? null;
  }

  /**
   * Bring the session branch back: fetch `clave/s-<id>` from the copy into the main repo (as the
   * same branch name) and merge it into `into`. A conflict is aborted and reported; the main repo,
   * its working tree and `into` are then exactly as before (except that the fetched session branch
   * now exists in the main repo, so the work is safe even if the copy is removed).
   *
   * Where `into` is checked out, the merge happens in that working tree, which must have no
   * uncommitted changes to tracked files. Where it is not checked out, the branch ref is updated
   * without touching any working tree.
   *
   * With `squash`, `into` gets one new commit (parent: its tip; content: the merge) with
   * `message`, instead of a merge commit; a conflict likewise changes nothing.
   */
  async mergeBack(input: {
    repo: string;
    id: string;
    into: string;
    message?: string;
    squash?: boolean;
  }): Promise<MergeResult> {
    const id = parseId(input.id);
    const root = await this.root(input.repo);
    const copyPath = this.sessionPath(root, id);
    const branch = this.sessionBranch(id);
    const into = input.into;
    await this.assertBranchName(root, into);
    if (!(await exists(copyPath)) || !(await this.isRepo(copyPath))) {
      throw new GitError({
        code: 'git.copy-missing',
        what: `Cannot merge session s-${id}`,
        why: `Its copy at ${copyPath} is missing or is not a git repository.`,
        fix: `If the branch ${branch} exists in the main repository, merge it by hand.`,
      });
    }
    const dirty = await this.status(copyPath);
    if (dirty.length > 0) {
      throw new GitError({
        code: 'git.uncommitted-work',
        what: `Session s-${id} has uncommitted changes`,
        why: `${dirty.length} file(s) changed but not committed, e.g. ${dirty[0]?.path ?? ''}.`,
        fix: 'Commit the work in the session copy first (Clave does this on "merge"), then merge.',
      });
    }
    if ((await this.resolve(copyPath, `refs/heads/${branch}`)) === null) {
      throw new GitError({
        code: 'git.copy-missing',
        what: `Cannot merge session s-${id}`,
        why: `The session copy has no branch ${branch}.`,
        fix: 'Open the session copy and check which branch holds the work; merge it by hand.',
      });
    }
    const target = await this.resolve(root, `refs/heads/${into}`);
    if (target === null) {
      throw new GitError({
        code: 'git.target-missing',
        what: `Cannot merge session s-${id} into ${into}`,
        why: `The main repository has no branch ${into}.`,
        fix: 'Choose an existing branch to merge into.',
      });
    }

    await this.git(
      [
        'fetch',
        '--no-tags',
        '--quiet',
        '--',
        copyPath,
        `+refs/heads/${branch}:refs/heads/${branch}`,
      ],
      {
        cwd: root,
        timeoutMs: this.cloneTimeoutMs,
        what: `Could not fetch ${branch} from the copy`,
      },
    );
    const tip = await this.resolve(root, `refs/heads/${branch}`);
    if (tip === null) throw this.failedMessage(`Fetched ${branch} but cannot resolve it`);

    if (await this.isAncestor(root, tip, target)) {
      return { status: 'up-to-date', into, commit: target };
    }
    const canFastForward = await this.isAncestor(root, target, tip);
    const message = input.message ?? `Merge Clave session s-${id} (${branch}) into ${into}`;
    const worktree = await this.worktreeFor(root, into);
    if (worktree !== null) await this.assertClean(worktree, id, into);
    if (input.squash) return this.squashOnto({ root, worktree, into, target, tip, message });

    if (worktree === null) {
      // Nothing checked out: compute the merge in the object store, move the ref atomically.
      if (canFastForward) {
        await this.updateRef(root, into, tip, target, message);
        return { status: 'merged', into, commit: tip, fastForward: true };
      }
      const merged = await this.mergeTree(root, target, tip);
      if (merged.conflicts.length > 0) return { status: 'conflict', into, files: merged.conflicts };
      const commit = await this.git(
        [
          ...(await this.identityArgs(root)),
          'commit-tree',
          merged.tree,
          '-p',
          target,
          '-p',
          tip,
          '-F',
          '-',
        ],
        { cwd: root, input: message },
      );
      const sha = commit.stdout.trim();
      await this.updateRef(root, into, sha, target, message);
      return { status: 'merged', into, commit: sha, fastForward: false };
    }

    if (!canFastForward && (await this.supportsMergeTree())) {
      const probe = await this.mergeTree(root, target, tip);
      if (probe.conflicts.length > 0) return { status: 'conflict', into, files: probe.conflicts };
    }
    const merge = await this.git(
      [...(await this.identityArgs(worktree)), 'merge', '--no-edit', '-m', message, tip],
      { cwd: worktree, okCodes: [1, 2, 128], timeoutMs: this.cloneTimeoutMs },
    );
    if (merge.exitCode === 0) {
      const commit = (await this.resolve(worktree, 'HEAD')) ?? tip;
      return { status: 'merged', into, commit, fastForward: commit === tip };
    }
    if ((await this.resolve(worktree, 'MERGE_HEAD')) !== null) {
      const unmerged = await this.git(['diff', '--name-only', '-z', '--diff-filter=U'], {
        cwd: worktree,
      });
      await this.git(['merge', '--abort'], { cwd: worktree });
      return {
        status: 'conflict',
        into,
        files: unmerged.stdout.split('\0').filter((f) => f !== ''),
      };
    }
    throw new GitError({
      code: 'git.merge-failed',
      what: `Could not merge session s-${id} into ${into}`,
      why: firstLine(merge.stderr || merge.stdout) || `git merge exited with ${merge.exitCode}`,
      fix: `Nothing was changed. Resolve what git reports in ${worktree}, then merge again.`,
      detail: tail(merge.stderr + merge.stdout),
    });
  }

  /** `into` is checked out in `worktree`: it must have no uncommitted changes to tracked files. */
  private async assertClean(worktree: string, id: string, into: string): Promise<void> {
    const tracked = await this.git(['status', '--porcelain=v1', '-z', '--untracked-files=no'], {
      cwd: worktree,
    });
    const changed = parsePorcelainZ(tracked.stdout);
    if (changed.length > 0) {
      throw new GitError({
        code: 'git.target-dirty',
        what: `Cannot merge session s-${id} into ${into} yet`,
        why: `${worktree} has uncommitted changes (${changed
          .slice(0, 3)
          .map((c) => c.path)
          .join(', ')}${changed.length > 3 ? ', …' : ''}).`,
        fix: `Commit or stash your changes in ${worktree}, then merge again. The session is kept.`,
      });
    }
  }

  /** One commit on `into` holding the session's work, made in the object store, then applied. */
  private async squashOnto(m: {
    root: string;
    worktree: string | null;
    into: string;
    target: string;
    tip: string;
    message: string;
  }): Promise<MergeResult> {
    const merged = await this.mergeTree(m.root, m.target, m.tip);
    if (merged.conflicts.length > 0) {
      return { status: 'conflict', into: m.into, files: merged.conflicts };
    }
    const made = await this.git(
      [...(await this.identityArgs(m.root)), 'commit-tree', merged.tree, '-p', m.target, '-F', '-'],
      { cwd: m.root, input: m.message, what: 'Could not make the squash commit' },
    );
    const commit = made.stdout.trim();
    if (m.worktree === null) {
      await this.updateRef(m.root, m.into, commit, m.target, m.message);
    } else {
      // The commit's parent is the checked-out tip: a fast-forward, which refuses (changing
      // nothing) when it would overwrite an untracked file.
      const ff = await this.git(['merge', '--ff-only', '--no-edit', commit], {
        cwd: m.worktree,
        okCodes: [1, 128],
      });
      if (ff.exitCode !== 0) {
        throw new GitError({
          code: 'git.merge-failed',
          what: `Could not squash the session into ${m.into}`,
          why: firstLine(ff.stderr || ff.stdout) || `git merge exited with ${ff.exitCode}`,
          fix: `Nothing was changed. Resolve what git reports in ${m.worktree}, then merge again.`,
          detail: tail(ff.stderr + ff.stdout),
        });
      }
    }
    return { status: 'merged', into: m.into, commit, fastForward: false };
  }
}
