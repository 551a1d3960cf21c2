// The session copy's life cycle: create (clone + ignored files), list, remove, unmerged branches.
import { cp, lstat, mkdir, readdir, readFile, realpath, rm } from 'node:fs/promises';
import path from 'node:path';
import { GitError } from './errors';
import { exists, isInside, parseId } from './parse';
import { GitCopyDiff } from './copy-diff';
import {
  DEFAULT_INCLUDE,
  INCLUDE_FILE,
  IncludeListSchema,
  SESSION_DIR,
  SessionIdSchema,
  sessionBranchName,
  sessionCopyName,
  sessionCopyPath,
  type HeadInfo,
  type SessionCopy,
  type SessionCopyEntry,
} from './types';

export class GitSessionCopies extends GitCopyDiff {
  // ---------------------------------------------------------------- session copies

  sessionPath(repoRoot: string, id: string): string {
    return sessionCopyPath(repoRoot, parseId(id));
  }

  sessionBranch(id: string): string {
    return sessionBranchName(parseId(id));
  }

  /**
   * Create the session copy: a local clone of `repo` at `.clave/wt/s-<id>`, on a new branch
   * `clave/s-<id>` from the repo's HEAD, with ignored files copied in: `.env`, the patterns in
   * the repo's `.worktreeinclude`, and the patterns in `include` (from config), all together.
   */
  async createSessionCopy(input: {
    repo: string;
    id: string;
    include?: readonly string[];
  }): Promise<SessionCopy> {
    const id = parseId(input.id);
    const root = await this.root(input.repo);
    const head = await this.head(root);
    if (head.commit === null) {
      throw new GitError({
        code: 'git.no-commits',
        what: 'Cannot start a session in a repository without commits',
        why: `The branch ${head.kind === 'branch' ? head.branch : 'HEAD'} has no commits yet.`,
        fix: 'Make a first commit (git add -A && git commit -m "Initial commit"), then start again.',
      });
    }
    const base = { ...head, commit: head.commit };
    await this.ensureExcluded(root);
    const copyPath = this.sessionPath(root, id);
    const branch = this.sessionBranch(id);
    if (await exists(copyPath)) {
      throw new GitError({
        code: 'git.copy-exists',
        what: `A session copy s-${id} already exists`,
        why: `${copyPath} is already there.`,
        fix: 'Pick another session id, or remove the old copy first.',
      });
    }
    await mkdir(path.dirname(copyPath), { recursive: true }).catch((e: Error) => {
      throw new GitError({
        code: 'git.unsafe-path',
        what: `Could not make the folder for session copies in ${root}`,
        why: e.message,
        fix: `Make sure ${path.join(root, SESSION_DIR)} can be a folder Clave writes to (e.g. move away a file named .clave), then start again.`,
      });
    });
    try {
      await this.git(['clone', '--local', '--no-checkout', '--quiet', '--', root, copyPath], {
        cwd: root,
        timeoutMs: this.cloneTimeoutMs,
        what: `Could not copy the repository for session s-${id}`,
      });
      await this.git(['checkout', '-q', '--no-track', '-b', branch, base.commit], {
        cwd: copyPath,
        timeoutMs: this.cloneTimeoutMs,
        what: `Could not check out ${branch} in the session copy`,
      });
      await this.writeIdentity(root, copyPath);
      const patterns = await this.includePatterns(root, input.include);
      const included = await this.copyIgnoredFiles(root, copyPath, patterns);
      return { id, path: copyPath, branch, base, included };
    } catch (error) {
      await rm(copyPath, { recursive: true, force: true });
      throw error;
    }
  }

  /**
   * Moves a session copy's checked-out branch to `commit` of the main repository, fetching what
   * the copy lacks: a standby claimed after the project moved on. The caller makes sure the copy
   * holds no work first (its tracked files are overwritten).
   */
  async moveCopyTo(input: { repo: string; copy: string; commit: string }): Promise<void> {
    const call = { cwd: input.copy, timeoutMs: this.cloneTimeoutMs };
    await this.git(['fetch', '--quiet', '--no-tags', '--', input.repo, input.commit], {
      ...call,
      what: `Could not fetch ${input.commit.slice(0, 12)} into the session copy`,
    });
    await this.git(['reset', '--hard', '--quiet', input.commit], {
      ...call,
      what: `Could not move the session copy to ${input.commit.slice(0, 12)}`,
    });
  }

  /**
   * Which ignored files go with a copy: `.env`, the patterns in the repo's `.worktreeinclude`,
   * and the patterns in `include` (from config), all together.
   */
  async includePatterns(root: string, include?: readonly string[]): Promise<string[]> {
    return [
      ...new Set([
        ...DEFAULT_INCLUDE,
        ...((await this.readIncludeList(root)) ?? []),
        ...(include ?? []),
      ]),
    ];
  }

  /** The repo's `.worktreeinclude` patterns, or null when there is no such file. */
  async readIncludeList(repoRoot: string): Promise<string[] | null> {
    let text: string;
    try {
      text = await readFile(path.join(repoRoot, INCLUDE_FILE), 'utf8');
    } catch {
      return null;
    }
    return text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
  }

  /**
   * Copy the files of `fromRoot` that are both ignored by git and matched by `patterns`
   * (gitignore syntax, matched by git itself) to the same relative paths under `toRoot`.
   * Existing files in `toRoot` are not overwritten.
   */
  async copyIgnoredFiles(
    fromRoot: string,
    toRoot: string,
    patterns: readonly string[],
  ): Promise<string[]> {
    const toCopy = await this.includedFiles(fromRoot, patterns);
    const copied: string[] = [];
    for (const rel of toCopy) {
      const src = path.join(fromRoot, rel);
      const dst = path.join(toRoot, rel);
      if (!isInside(fromRoot, src) || !isInside(toRoot, dst)) continue;
      await mkdir(path.dirname(dst), { recursive: true });
      await cp(src, dst, {
        recursive: true,
        force: false,
        errorOnExist: false,
        preserveTimestamps: true,
        verbatimSymlinks: true,
      });
      copied.push(rel);
    }
    return copied;
  }

  /**
   * The files of `root` that are both ignored by git and matched by `patterns` (gitignore
   * syntax, matched by git itself): relative paths, directories ending with `/`.
   */
  async includedFiles(root: string, patterns: readonly string[]): Promise<string[]> {
    const list = IncludeListSchema.parse([...patterns]);
    if (list.length === 0) return [];
    // Untracked paths matching the include patterns (and only those patterns).
    const matched = await this.git(
      [
        'ls-files',
        '-z',
        '--others',
        '--ignored',
        '--directory',
        ...list.map((p) => `--exclude=${p}`),
      ],
      { cwd: root },
    );
    const candidates = matched.stdout
      .split('\0')
      .filter((p) => p !== '' && !p.startsWith('.clave/') && p !== '.clave');
    if (candidates.length === 0) return [];
    // Of those, the ones the repo's own rules ignore.
    const ignored = await this.git(['check-ignore', '-z', '--stdin'], {
      cwd: root,
      input: candidates.map((p) => `${p}\0`).join(''),
      okCodes: [1],
    });
    return ignored.stdout.split('\0').filter((p) => p !== '');
  }

  /** Session copies under `<repo>/.clave/wt`. */
  async listSessionCopies(repo: string): Promise<SessionCopyEntry[]> {
    const root = await this.root(repo);
    const dir = path.join(root, SESSION_DIR);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return [];
    }
    const out: SessionCopyEntry[] = [];
    for (const name of names.sort()) {
      const id = name.startsWith('s-') ? name.slice(2) : '';
      if (!SessionIdSchema.safeParse(id).success) continue;
      const copyPath = path.join(dir, name);
      if (!(await lstat(copyPath)).isDirectory()) continue;
      const isRepo = (await exists(path.join(copyPath, '.git'))) && (await this.isRepo(copyPath));
      let head: HeadInfo | null = null;
      if (isRepo) head = await this.head(copyPath).catch(() => null);
      out.push({ id, path: copyPath, branch: sessionBranchName(id), isRepo, head });
    }
    return out;
  }

  /**
   * Delete the session copy. Refuses (`git.uncommitted-work` / `git.unmerged-work`) when it holds
   * uncommitted changes or commits that no branch of the main repo contains, unless `force`.
   * Returns false when there was nothing to remove.
   */
  async removeCopy(input: { repo: string; id: string; force?: boolean }): Promise<boolean> {
    const id = parseId(input.id);
    const root = await this.root(input.repo);
    const copyPath = this.sessionPath(root, id);
    if (!(await exists(copyPath))) return false;
    const container = await realpath(path.join(root, SESSION_DIR));
    const real = await realpath(copyPath);
    if (path.dirname(real) !== container || path.basename(real) !== sessionCopyName(id)) {
      throw new GitError({
        code: 'git.unsafe-path',
        what: `Refusing to delete ${copyPath}`,
        why: `It resolves to ${real}, which is not a session folder inside ${container}.`,
        fix: 'Remove it by hand if you are sure.',
      });
    }
    if (input.force !== true) {
      if (!(await this.isRepo(real))) {
        throw new GitError({
          code: 'git.uncommitted-work',
          what: `Not deleting the session copy s-${id}`,
          why: `${real} is not a working git repository, so Clave cannot tell whether it holds work.`,
          fix: 'Look at the folder and delete it by hand, or discard it explicitly.',
        });
      }
      const dirty = await this.status(real);
      if (dirty.length > 0) {
        throw new GitError({
          code: 'git.uncommitted-work',
          what: `Not deleting the session copy s-${id}`,
          why: `It has ${dirty.length} uncommitted change(s), e.g. ${dirty[0]?.path ?? ''}.`,
          fix: 'Keep the session, merge it (Clave commits the work first), or discard it explicitly.',
        });
      }
      const unmerged = await this.unmergedBranches(root, real);
      if (unmerged.length > 0) {
        throw new GitError({
          code: 'git.unmerged-work',
          what: `Not deleting the session copy s-${id}`,
          why: `Commits on ${unmerged.join(', ')} exist only in the copy.`,
          fix: 'Merge the session, or discard it explicitly to throw those commits away.',
        });
      }
    }
    await rm(real, { recursive: true, force: true, maxRetries: 3 });
    return true;
  }

  /** Copy branches (or a detached HEAD) whose tip no branch of the main repo contains. */
  async unmergedBranches(repoRoot: string, copyPath: string): Promise<string[]> {
    const refs = await this.git(
      ['for-each-ref', '--format=%(objectname) %(refname:short)', 'refs/heads'],
      {
        cwd: copyPath,
      },
    );
    const tips = new Map<string, string>();
    for (const line of refs.stdout.split('\n')) {
      const space = line.indexOf(' ');
      if (space > 0) tips.set(line.slice(space + 1), line.slice(0, space));
    }
    const head = await this.head(copyPath).catch(() => null);
    if (head?.kind === 'detached') tips.set(`HEAD (${head.commit.slice(0, 12)})`, head.commit);
    const out: string[] = [];
    for (const [name, sha] of tips) {
      if (!(await this.containedInSomeBranch(repoRoot, sha))) out.push(name);
    }
    return out;
  }

  /**
   * Delete a branch in the main repo. Refuses when its commits are on no other branch, unless
   * `force`. Returns false when the branch does not exist.
   */
  async deleteBranch(input: { repo: string; branch: string; force?: boolean }): Promise<boolean> {
    const root = await this.root(input.repo);
    await this.assertBranchName(root, input.branch);
    const tip = await this.resolve(root, `refs/heads/${input.branch}`);
    if (tip === null) return false;
    const checkedOut = await this.worktreeFor(root, input.branch);
    if (checkedOut !== null) {
      throw new GitError({
        code: 'git.branch-checked-out',
        what: `Cannot delete branch ${input.branch}`,
        why: `It is checked out in ${checkedOut}.`,
        fix: 'Switch that working tree to another branch first.',
      });
    }
    if (input.force !== true && !(await this.containedInSomeBranch(root, tip, input.branch))) {
      throw new GitError({
        code: 'git.unmerged-work',
        what: `Not deleting branch ${input.branch}`,
        why: 'Its commits are not on any other branch; deleting it would lose them.',
        fix: 'Merge it first, or discard it explicitly.',
      });
    }
    await this.git(['update-ref', '-d', `refs/heads/${input.branch}`, tip], { cwd: root });
    return true;
  }
}
