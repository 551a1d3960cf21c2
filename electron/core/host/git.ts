import { cp, lstat, mkdir, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { HostError, firstLine, tail } from './errors';
import { cleanEnv, runTool, type ToolResult } from './run-tool';

/**
 * The git adapter: the real `git` binary, argument arrays, `LC_ALL=C` for parseable output.
 *
 * A session copy is a local clone (`git clone --local`, objects hard-linked) at
 * `<repo>/.clave/wt/s-<id>` on a new branch `clave/s-<id>` from the repo's HEAD. Unlike a
 * `git worktree`, whose `.git` file points at a host path, the clone has its own `.git`
 * directory, so git works inside the VM where the copy is mounted at another path.
 * Merge back fetches the session branch into the main repo and merges it there.
 */

export type GitErrorCode =
  | 'git.not-installed'
  | 'git.timeout'
  | 'git.failed'
  | 'git.not-a-repo'
  | 'git.no-commits'
  | 'git.invalid-input'
  | 'git.copy-exists'
  | 'git.copy-missing'
  | 'git.uncommitted-work'
  | 'git.unmerged-work'
  | 'git.target-dirty'
  | 'git.target-missing'
  | 'git.branch-checked-out'
  | 'git.merge-failed'
  | 'git.unsafe-path'
  | 'git.too-old';

export class GitError extends HostError<GitErrorCode> {}

export const SessionIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'letters, digits, _ and -, at most 64, no leading -');

/** Patterns for ignored files to copy into a new session copy (gitignore syntax). */
export const IncludeListSchema = z.array(
  z
    .string()
    .min(1)
    .refine((p) => !/[\0\r\n]/.test(p), 'one pattern per entry, no line breaks'),
);

export const DEFAULT_INCLUDE: readonly string[] = ['.env'];
export const INCLUDE_FILE = '.worktreeinclude';
export const SESSION_DIR = path.join('.clave', 'wt');

export type HeadInfo =
  { kind: 'branch'; branch: string; commit: string | null } | { kind: 'detached'; commit: string };

export interface FileChange {
  path: string;
  /** Renames and copies: the path before. */
  origPath?: string;
  /** Porcelain status letters: index and work tree (`?` for untracked). */
  index: string;
  worktree: string;
}

export interface CommitInfo {
  sha: string;
  subject: string;
  author: string;
  date: string;
}

export interface SessionCopy {
  id: string;
  path: string;
  branch: string;
  /** What HEAD was in the main repo when the copy was made. */
  base: HeadInfo & { commit: string };
  /** Ignored files copied in (relative paths; directories end with `/`). */
  included: string[];
}

export interface SessionCopyEntry {
  id: string;
  path: string;
  branch: string;
  isRepo: boolean;
  head: HeadInfo | null;
}

export type MergeResult =
  | { status: 'merged'; into: string; commit: string; fastForward: boolean }
  | { status: 'up-to-date'; into: string; commit: string }
  | { status: 'conflict'; into: string; files: string[] };

export interface GitOptions {
  /** Path of the git binary; `git` from PATH by default. */
  binary?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  cloneTimeoutMs?: number;
  /** Identity for commits when the user has none configured (default: FALLBACK_IDENTITY). */
  identity?: { name: string; email: string };
}

/** Who commits when git knows no user: clearly Clave, on a domain that can never be mail. */
export const FALLBACK_IDENTITY = { name: 'Clave Agent', email: 'agent@clave.invalid' } as const;

const DROP_ENV = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_NAMESPACE',
  'GIT_COMMON_DIR',
  'GIT_PREFIX',
];

interface GitCall {
  cwd: string;
  timeoutMs?: number;
  input?: string;
  /** Exit codes that are answers, not failures. */
  okCodes?: readonly number[];
  what?: string;
}

export class Git {
  private readonly binary: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly timeoutMs: number;
  private readonly cloneTimeoutMs: number;
  private readonly identity: { name: string; email: string };
  private version: Promise<[number, number]> | undefined;

  constructor(options: GitOptions = {}) {
    this.binary = options.binary ?? 'git';
    this.env = {
      ...cleanEnv(options.env ?? process.env, DROP_ENV),
      LC_ALL: 'C',
      LANGUAGE: 'C',
      GIT_TERMINAL_PROMPT: '0',
      GIT_MERGE_AUTOEDIT: 'no',
      GIT_EDITOR: 'true',
    };
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.cloneTimeoutMs = options.cloneTimeoutMs ?? 10 * 60_000;
    this.identity = options.identity ?? FALLBACK_IDENTITY;
  }

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

  // ---------------------------------------------------------------- session copies

  sessionPath(repoRoot: string, id: string): string {
    return path.join(repoRoot, SESSION_DIR, `s-${parseId(id)}`);
  }

  sessionBranch(id: string): string {
    return `clave/s-${parseId(id)}`;
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
      const patterns = [
        ...new Set([
          ...DEFAULT_INCLUDE,
          ...((await this.readIncludeList(root)) ?? []),
          ...(input.include ?? []),
        ]),
      ];
      const included = await this.copyIgnoredFiles(root, copyPath, patterns);
      return { id, path: copyPath, branch, base, included };
    } catch (error) {
      await rm(copyPath, { recursive: true, force: true });
      throw error;
    }
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
      { cwd: fromRoot },
    );
    const candidates = matched.stdout
      .split('\0')
      .filter((p) => p !== '' && !p.startsWith('.clave/') && p !== '.clave');
    if (candidates.length === 0) return [];
    // Of those, the ones the repo's own rules ignore.
    const ignored = await this.git(['check-ignore', '-z', '--stdin'], {
      cwd: fromRoot,
      input: candidates.map((p) => `${p}\0`).join(''),
      okCodes: [1],
    });
    const toCopy = ignored.stdout.split('\0').filter((p) => p !== '');
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
      out.push({ id, path: copyPath, branch: `clave/s-${id}`, isRepo, head });
    }
    return out;
  }

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
   */
  async mergeBack(input: {
    repo: string;
    id: string;
    into: string;
    message?: string;
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
    if (path.dirname(real) !== container || path.basename(real) !== `s-${id}`) {
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

  // ---------------------------------------------------------------- internals

  private async containedInSomeBranch(
    root: string,
    sha: string,
    except?: string,
  ): Promise<boolean> {
    const has = await this.git(['cat-file', '-e', `${sha}^{commit}`], {
      cwd: root,
      okCodes: [1, 128],
    });
    if (has.exitCode !== 0) return false;
    const r = await this.git(
      ['for-each-ref', '--format=%(refname)', `--contains=${sha}`, 'refs/heads'],
      {
        cwd: root,
      },
    );
    return r.stdout
      .split('\n')
      .filter((ref) => ref !== '')
      .some((ref) => except === undefined || ref !== `refs/heads/${except}`);
  }

  private async isAncestor(root: string, ancestor: string, of: string): Promise<boolean> {
    const r = await this.git(['merge-base', '--is-ancestor', ancestor, of], {
      cwd: root,
      okCodes: [1],
    });
    return r.exitCode === 0;
  }

  private async updateRef(root: string, branch: string, to: string, from: string, reason: string) {
    await this.git(['update-ref', '-m', reason, `refs/heads/${branch}`, to, from], {
      cwd: root,
      what: `Could not move ${branch}`,
    });
  }

  /** The working tree that has `branch` checked out, or null. */
  private async worktreeFor(root: string, branch: string): Promise<string | null> {
    const r = await this.git(['worktree', 'list', '--porcelain', '-z'], { cwd: root });
    let current: string | null = null;
    for (const field of r.stdout.split('\0')) {
      if (field.startsWith('worktree ')) current = field.slice('worktree '.length);
      else if (field === `branch refs/heads/${branch}` && current !== null) return current;
    }
    return null;
  }

  private async mergeTree(
    root: string,
    ours: string,
    theirs: string,
  ): Promise<{ tree: string; conflicts: string[] }> {
    if (!(await this.supportsMergeTree())) {
      throw new GitError({
        code: 'git.too-old',
        what: 'This git is too old to merge without a checkout',
        why: 'Merging into a branch that is not checked out needs `git merge-tree --write-tree` (git 2.38+).',
        fix: 'Update git (e.g. install the current Xcode Command Line Tools or `brew install git`), or check the target branch out and merge again.',
      });
    }
    const r = await this.git(
      ['merge-tree', '--write-tree', '--name-only', '--no-messages', '-z', ours, theirs],
      { cwd: root, okCodes: [1] },
    );
    const [tree = '', ...files] = r.stdout.split('\0').filter((f) => f !== '');
    return { tree, conflicts: r.exitCode === 1 ? [...new Set(files)] : [] };
  }

  private async supportsMergeTree(): Promise<boolean> {
    const [major, minor] = await this.gitVersion();
    return major > 2 || (major === 2 && minor >= 38);
  }

  private gitVersion(): Promise<[number, number]> {
    this.version ??= this.git(['--version'], { cwd: process.cwd() }).then((r) => {
      const m = /(\d+)\.(\d+)/.exec(r.stdout);
      return [Number(m?.[1] ?? 0), Number(m?.[2] ?? 0)];
    });
    return this.version;
  }

  /**
   * The agent commits in the copy inside the VM, where the Mac's git config does not exist: give
   * the copy's own .git/config the identity git resolves for the repo (repo-local over global),
   * else the fallback, so its commits work and are attributed.
   */
  private async writeIdentity(root: string, copy: string): Promise<void> {
    for (const key of ['name', 'email'] as const) {
      const r = await this.git(['config', '--get', `user.${key}`], { cwd: root, okCodes: [1] });
      const value =
        r.exitCode === 0 && r.stdout.trim() !== '' ? r.stdout.trim() : this.identity[key];
      await this.git(['config', '--local', `user.${key}`, value], {
        cwd: copy,
        what: 'Could not set the git identity of the session copy',
      });
    }
  }

  private async identityArgs(dir: string): Promise<string[]> {
    const email = await this.git(['config', 'user.email'], { cwd: dir, okCodes: [1] });
    const name = await this.git(['config', 'user.name'], { cwd: dir, okCodes: [1] });
    const args: string[] = [];
    if (email.exitCode !== 0 || email.stdout.trim() === '') {
      args.push('-c', `user.email=${this.identity.email}`);
    }
    if (name.exitCode !== 0 || name.stdout.trim() === '') {
      args.push('-c', `user.name=${this.identity.name}`);
    }
    return args;
  }

  private async assertBranchName(root: string, branch: string): Promise<void> {
    const r = await this.git(['check-ref-format', '--branch', branch], {
      cwd: root,
      okCodes: [1, 128],
    });
    if (r.exitCode !== 0 || branch.startsWith('-')) {
      throw invalid(`"${branch}" is not a valid branch name.`);
    }
  }

  /** Run git; non-zero exits other than `okCodes` become GitError. */
  private async git(args: readonly string[], call: GitCall): Promise<ToolResult> {
    const r = await this.raw(args, call);
    if (r.exitCode === 0 || (r.exitCode !== undefined && call.okCodes?.includes(r.exitCode))) {
      return r;
    }
    throw this.failed(call.what ?? `git ${args[0] ?? ''} failed`, r);
  }

  private async raw(args: readonly string[], call: GitCall): Promise<ToolResult> {
    const r = await runTool(this.binary, args, {
      cwd: call.cwd,
      env: this.env,
      timeoutMs: call.timeoutMs ?? this.timeoutMs,
      ...(call.input === undefined ? {} : { input: call.input }),
    });
    if (r.spawnErrorCode === 'ENOENT' || r.spawnErrorCode === 'EACCES') {
      if (!(await exists(call.cwd))) {
        throw new GitError({
          code: 'git.not-a-repo',
          what: `${call.cwd} does not exist`,
          why: 'The folder was moved or deleted.',
          fix: 'Choose an existing folder.',
        });
      }
      throw notInstalled(this.binary, r.spawnErrorCode);
    }
    if (/xcrun: error|no developer tools were found/i.test(r.stderr)) {
      throw notInstalled(this.binary, firstLine(r.stderr));
    }
    if (r.timedOut) {
      throw new GitError({
        code: 'git.timeout',
        what: `git ${args[0] ?? ''} did not finish`,
        why: `It was stopped after ${Math.round((call.timeoutMs ?? this.timeoutMs) / 1000)} s.`,
        fix: 'Check that the repository is on a responsive disk and is not locked by another git process, then retry.',
        detail: tail(r.stderr),
      });
    }
    return r;
  }

  private failed(what: string, r: ToolResult): GitError {
    return new GitError({
      code: 'git.failed',
      what,
      why: firstLine(r.stderr || r.stdout) || `git exited with ${String(r.exitCode ?? r.signal)}`,
      fix: 'See the details; fix what git reports and try again.',
      detail: tail(r.stderr + r.stdout),
    });
  }

  private failedMessage(what: string): GitError {
    return new GitError({
      code: 'git.failed',
      what,
      why: 'Unexpected git state.',
      fix: 'Try again.',
    });
  }
}

// ---------------------------------------------------------------- pure helpers (exported for tests)

export function parsePorcelainZ(stdout: string): FileChange[] {
  const fields = stdout.split('\0');
  const out: FileChange[] = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    if (field === undefined || field.length < 4) continue;
    const index = field[0] ?? ' ';
    const worktree = field[1] ?? ' ';
    const change: FileChange = { path: field.slice(3), index, worktree };
    if (index === 'R' || index === 'C' || worktree === 'R' || worktree === 'C') {
      const orig = fields[i + 1];
      if (orig !== undefined) change.origPath = orig;
      i++;
    }
    out.push(change);
  }
  return out;
}

export function parseLog(stdout: string): CommitInfo[] {
  return stdout
    .split('\x1e')
    .map((record) => record.replace(/^\n/, ''))
    .filter((record) => record !== '')
    .map((record) => {
      const [sha = '', subject = '', author = '', date = ''] = record.split('\x1f');
      return { sha, subject, author, date: date.trim() };
    });
}

function parseId(id: string): string {
  const r = SessionIdSchema.safeParse(id);
  if (!r.success)
    throw invalid(`"${id}" is not a valid session id (${r.error.issues[0]?.message ?? ''}).`);
  return r.data;
}

function invalid(why: string): GitError {
  return new GitError({
    code: 'git.invalid-input',
    what: 'Invalid input for git',
    why,
    fix: 'This is a bug in the caller; report it.',
  });
}

function notInstalled(binary: string, reason: string): GitError {
  return new GitError({
    code: 'git.not-installed',
    what: 'git is not available',
    why: `Running ${binary} failed (${reason}).`,
    fix: 'Install the Xcode Command Line Tools (xcode-select --install) or `brew install git`, then restart Clave.',
  });
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch {
    return false;
  }
}
