// A session copy against its base commit, as the copy is NOW: committed, uncommitted and untracked
// work. git compares a commit with the work tree through an index, and untracked files are in no
// index; so every query here runs on a throw-away copy of the index (GIT_INDEX_FILE) in which the
// untracked files are marked intent-to-add (`git add -N`). The copy's own index, which the agent's
// git uses at the same moment, is never written, and no lock of the copy is taken.
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runBounded } from '../bounded-output';
import { firstLine, tail } from '../errors';
import { GitError } from './errors';
import { GitQueries } from './queries';
import type { BoundedText, CommitDetail, CopyFileChange, CopyFileStatus } from './types';

/** The listing of a huge change set is still read whole (for its totals), up to this much. */
const MAX_LISTING_BYTES = 64 * 1024 * 1024;

// No external diff tools or text conversion from the user's config: git's own format.
const DIFF = ['diff', '--no-color', '--no-ext-diff', '--no-textconv', '-M'] as const;

const STATUS: Record<string, CopyFileStatus> = {
  A: 'added',
  M: 'modified',
  D: 'deleted',
  R: 'renamed',
  C: 'copied',
  T: 'typechange',
};

/** The environment of one query: the throw-away index, paths taken literally, no optional locks. */
type QueryEnv = NodeJS.ProcessEnv;

export class GitCopyDiff extends GitQueries {
  /**
   * The files that differ between `base` and the copy as it is now, in git's order (by path),
   * with +/− counts (null for binaries), renames, and whether each holds uncommitted work.
   */
  copyChanges(dir: string, base: string): Promise<CopyFileChange[]> {
    return this.asItIsNow(dir, [], (env, untracked) => this.listing(dir, base, [], env, untracked));
  }

  /**
   * One changed file (what changed, no line counts) and its unified diff (null for a binary),
   * cut at `maxBytes`; null when the file did not change. Looked up by its path alone, which is
   * quick on a big repository; only an added file is looked up in the whole tree, as it may be the
   * new side of a rename.
   */
  copyFileDiff(
    dir: string,
    base: string,
    file: string,
    maxBytes: number,
  ): Promise<{ change: RawEntry; diff: BoundedText | null } | null> {
    return this.asItIsNow(dir, [file], async (env) => {
      const find = async (paths: string[]) => {
        const raw = await this.bounded(
          [...DIFF, '--raw', '-z', '--end-of-options', base, '--', ...paths],
          dir,
          env,
          MAX_LISTING_BYTES,
        );
        return parseRaw(raw.text.split('\0')).entries.find((c) => c.path === file);
      };
      let change = await find([file]);
      if (change?.status === 'added') change = await find([]);
      if (!change) return null;
      // A rename's diff needs both paths, or git shows an added file.
      const paths = change.oldPath === null ? [file] : [change.oldPath, file];
      const diff = await this.bounded(
        [...DIFF, '--end-of-options', base, '--', ...paths],
        dir,
        env,
        maxBytes,
      );
      return { change, diff: isBinaryDiff(diff.text) ? null : diff };
    });
  }

  private async listing(
    dir: string,
    base: string,
    paths: string[],
    env: QueryEnv,
    untracked: Set<string>,
  ): Promise<CopyFileChange[]> {
    const listing = await this.bounded(
      [...DIFF, '--raw', '--numstat', '-z', '--end-of-options', base, '--', ...paths],
      dir,
      env,
      MAX_LISTING_BYTES,
    );
    if (listing.truncated) {
      throw new GitError({
        code: 'git.failed',
        what: 'Too many changes to list',
        why: `git's list of changed files is over ${MAX_LISTING_BYTES / 1024 / 1024} MB.`,
        fix: 'Look at the copy with git directly.',
      });
    }
    const sinceHead = await this.git(['diff', '--name-only', '-z', 'HEAD', '--', ...paths], {
      cwd: dir,
      env,
    });
    const uncommitted = new Set(sinceHead.stdout.split('\0').filter((p) => p !== ''));
    return parseRawNumstat(listing.text).map((c) => ({
      ...c,
      status: untracked.has(c.path) ? 'untracked' : c.status,
      uncommitted: uncommitted.has(c.path) || (c.oldPath !== null && uncommitted.has(c.oldPath)),
    }));
  }

  /** `git diff --stat=<width> <base> [-- paths]` of the copy as it is now, as git prints it. */
  async copyStat(dir: string, base: string, paths: string[], width: number): Promise<string> {
    return this.asItIsNow(dir, paths, async (env) => {
      const r = await this.git(
        [...DIFF, `--stat=${width}`, '--end-of-options', base, '--', ...paths],
        {
          cwd: dir,
          env,
        },
      );
      return r.stdout;
    });
  }

  /** Commits of HEAD that `base` does not have, newest first, at most `max`, with messages. */
  async commitsSince(dir: string, base: string, max: number): Promise<CommitDetail[]> {
    const r = await this.git(
      [
        'log',
        '-z',
        `--max-count=${max}`,
        '--format=%H%x1f%an%x1f%aI%x1f%s%x1f%b',
        '--end-of-options',
        `${base}..HEAD`,
        '--',
      ],
      { cwd: dir },
    );
    // -z ends each commit with NUL, which a commit message cannot hold.
    return r.stdout
      .split('\0')
      .filter((rec) => rec !== '')
      .map((rec) => {
        const [sha = '', author = '', date = '', subject = '', ...body] = rec.split('\x1f');
        return { sha, author, date, subject, body: body.join('\x1f').trim() };
      });
  }

  /** How many commits `to` has that `from` does not (0 when either is missing). */
  async countBetween(dir: string, from: string, to: string): Promise<number> {
    const r = await this.git(['rev-list', '--count', '--end-of-options', `${from}..${to}`, '--'], {
      cwd: dir,
      okCodes: [128],
    });
    return r.exitCode === 0 ? Number(r.stdout.trim()) : 0;
  }

  /**
   * Runs `fn` with an environment whose index is a throw-away copy with the untracked files
   * (under `paths`, when given) added.
   */
  protected async asItIsNow<T>(
    dir: string,
    paths: string[],
    fn: (env: QueryEnv, untracked: Set<string>) => Promise<T>,
  ): Promise<T> {
    const where = await this.git(['rev-parse', '--path-format=absolute', '--git-path', 'index'], {
      cwd: dir,
    });
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'clave-index-'));
    try {
      const index = path.join(tmp, 'index');
      // A copy of the real index keeps git's stat cache: files are not all re-read.
      await copyFile(where.stdout.trim(), index).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
      const env: QueryEnv = {
        GIT_INDEX_FILE: index,
        GIT_LITERAL_PATHSPECS: '1',
        GIT_OPTIONAL_LOCKS: '0',
      };
      const others = await this.git(
        ['ls-files', '-z', '--others', '--exclude-standard', '--', ...paths],
        {
          cwd: dir,
          env,
        },
      );
      const untracked = new Set(others.stdout.split('\0').filter((p) => p !== ''));
      if (untracked.size > 0) {
        await this.git(
          ['add', '--intent-to-add', '--pathspec-from-file=-', '--pathspec-file-nul'],
          {
            cwd: dir,
            env,
            input: others.stdout,
            what: 'Could not list the untracked files of the session copy',
          },
        );
      }
      return await fn(env, untracked);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }

  private async bounded(
    args: readonly string[],
    cwd: string,
    env: QueryEnv,
    maxBytes: number,
  ): Promise<BoundedText> {
    const r = await runBounded(this.binary, args, {
      cwd,
      env: { ...this.env, ...env },
      maxBytes,
      timeoutMs: this.timeoutMs,
    });
    if (r.exitCode !== 0) {
      throw new GitError({
        code: r.timedOut ? 'git.timeout' : 'git.failed',
        what: `git ${args[0] ?? ''} failed in ${cwd}`,
        why: r.timedOut
          ? `It was stopped after ${Math.round(this.timeoutMs / 1000)} s.`
          : firstLine(r.stderr) || `git exited with ${String(r.exitCode ?? r.spawnErrorCode)}`,
        fix: 'See the details; fix what git reports and try again.',
        detail: tail(r.stderr),
      });
    }
    return { text: r.stdout, truncated: r.truncated, totalBytes: r.totalBytes };
  }
}

interface RawEntry {
  status: CopyFileStatus;
  path: string;
  oldPath: string | null;
}

/** `git diff --raw -z` records (`:modes shas STATUS\0path\0[path\0]`) from field `i` on. */
function parseRaw(f: string[], i = 0): { entries: RawEntry[]; next: number } {
  const entries: RawEntry[] = [];
  while (i < f.length && (f[i] ?? '').startsWith(':')) {
    const letter = (f[i] ?? '').split(' ').pop()?.charAt(0) ?? 'M';
    const status = STATUS[letter] ?? 'modified';
    if (letter === 'R' || letter === 'C') {
      entries.push({ status, oldPath: f[i + 1] ?? '', path: f[i + 2] ?? '' });
      i += 3;
    } else {
      entries.push({ status, oldPath: null, path: f[i + 1] ?? '' });
      i += 2;
    }
  }
  return { entries, next: i };
}

/**
 * `git diff --raw --numstat -z`: every raw record first, then every numstat record
 * (`add\tdel\tpath\0`, or `add\tdel\t\0old\0new\0` for a rename), in the same order.
 */
export function parseRawNumstat(out: string): Omit<CopyFileChange, 'uncommitted'>[] {
  const f = out.split('\0');
  const { entries, next } = parseRaw(f);
  let i = next;
  return entries.map((r) => {
    const [add = '-', del = '-', name = ''] = (f[i] ?? '').split('\t');
    i += name === '' ? 3 : 1;
    const binary = add === '-';
    return {
      ...r,
      additions: binary ? null : Number(add),
      deletions: binary ? null : Number(del),
      binary,
    };
  });
}

/** git's unified diff of a binary file says so in its header, before any hunk. */
function isBinaryDiff(diff: string): boolean {
  const hunk = diff.indexOf('\n@@');
  const header = hunk === -1 ? diff : diff.slice(0, hunk);
  return /^(Binary files .* differ|GIT binary patch)$/m.test(header);
}
