// Running git: binary, clean environment, timeouts, failures; the shared plumbing of the layers.
// The adapter is one class built in layers (runner → queries → session copies → merge), one concern
// per file, so callers keep a single `Git`.
import { firstLine, tail } from '../errors';
import { cleanEnv, runTool, type ToolResult } from '../run-tool';
import { GitError, invalid, notInstalled } from './errors';
import { exists } from './parse';
import type { GitOptions } from './types';

/**
 * The git adapter: the real `git` binary, argument arrays, `LC_ALL=C` for parseable output.
 *
 * A session copy is a local clone (`git clone --local`, objects hard-linked) at
 * `<repo>/.clave/wt/s-<id>` on a new branch `clave/s-<id>` from the repo's HEAD. Unlike a
 * `git worktree`, whose `.git` file points at a host path, the clone has its own `.git`
 * directory, so git works inside the VM where the copy is mounted at another path.
 * Merge back fetches the session branch into the main repo and merges it there.
 */

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
  /** Added to the clean environment (e.g. a throw-away GIT_INDEX_FILE). */
  env?: NodeJS.ProcessEnv;
}

export class GitRunner {
  protected readonly binary: string;
  protected readonly env: NodeJS.ProcessEnv;
  protected readonly timeoutMs: number;
  protected readonly cloneTimeoutMs: number;
  protected readonly identity: { name: string; email: string };
  protected version: Promise<[number, number]> | undefined;

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

  // ---------------------------------------------------------------- internals

  protected async containedInSomeBranch(
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

  protected async isAncestor(root: string, ancestor: string, of: string): Promise<boolean> {
    const r = await this.git(['merge-base', '--is-ancestor', ancestor, of], {
      cwd: root,
      okCodes: [1],
    });
    return r.exitCode === 0;
  }

  protected async updateRef(
    root: string,
    branch: string,
    to: string,
    from: string,
    reason: string,
  ) {
    await this.git(['update-ref', '-m', reason, `refs/heads/${branch}`, to, from], {
      cwd: root,
      what: `Could not move ${branch}`,
    });
  }

  /** The working tree that has `branch` checked out, or null. */
  protected async worktreeFor(root: string, branch: string): Promise<string | null> {
    const r = await this.git(['worktree', 'list', '--porcelain', '-z'], { cwd: root });
    let current: string | null = null;
    for (const field of r.stdout.split('\0')) {
      if (field.startsWith('worktree ')) current = field.slice('worktree '.length);
      else if (field === `branch refs/heads/${branch}` && current !== null) return current;
    }
    return null;
  }

  protected async mergeTree(
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

  protected async supportsMergeTree(): Promise<boolean> {
    const [major, minor] = await this.gitVersion();
    return major > 2 || (major === 2 && minor >= 38);
  }

  protected gitVersion(): Promise<[number, number]> {
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
  protected async writeIdentity(root: string, copy: string): Promise<void> {
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

  protected async identityArgs(dir: string): Promise<string[]> {
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

  protected async assertBranchName(root: string, branch: string): Promise<void> {
    const r = await this.git(['check-ref-format', '--branch', branch], {
      cwd: root,
      okCodes: [1, 128],
    });
    if (r.exitCode !== 0 || branch.startsWith('-')) {
      throw invalid(`"${branch}" is not a valid branch name.`);
    }
  }

  /** Run git; non-zero exits other than `okCodes` become GitError. */
  protected async git(args: readonly string[], call: GitCall): Promise<ToolResult> {
    const r = await this.raw(args, call);
    if (r.exitCode === 0 || (r.exitCode !== undefined && call.okCodes?.includes(r.exitCode))) {
      return r;
    }
    throw this.failed(call.what ?? `git ${args[0] ?? ''} failed`, r);
  }

  protected async raw(args: readonly string[], call: GitCall): Promise<ToolResult> {
    const r = await runTool(this.binary, args, {
      cwd: call.cwd,
      env: call.env ? { ...this.env, ...call.env } : this.env,
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

  protected failed(what: string, r: ToolResult): GitError {
    return new GitError({
      code: 'git.failed',
      what,
      why: firstLine(r.stderr || r.stdout) || `git exited with ${String(r.exitCode ?? r.signal)}`,
      fix: 'See the details; fix what git reports and try again.',
      detail: tail(r.stderr + r.stdout),
    });
  }

  protected failedMessage(what: string): GitError {
    return new GitError({
      code: 'git.failed',
      what,
      why: 'Unexpected git state.',
      fix: 'Try again.',
    });
  }
}
