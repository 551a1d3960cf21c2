// What the git adapter takes and returns, and where session copies live.
import path from 'node:path';
import { z } from 'zod';

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

// The seed's names for a session's copy and branch, stated once (session/naming.ts uses them):
// `<repo>/.clave/wt/s-<id>` on branch `clave/s-<id>`.
export const sessionCopyName = (id: string): string => `s-${id}`;
export const sessionBranchName = (id: string): string => `clave/${sessionCopyName(id)}`;
export const sessionCopyPath = (repoRoot: string, id: string): string =>
  path.join(repoRoot, SESSION_DIR, sessionCopyName(id));

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

/** git's letter for how a file changed, in words (`untracked`: new and never added). */
export type CopyFileStatus =
  'added' | 'modified' | 'deleted' | 'renamed' | 'copied' | 'typechange' | 'untracked';

/** One file that differs between a base commit and a copy as it is now. */
export interface CopyFileChange {
  path: string;
  oldPath: string | null;
  status: CopyFileStatus;
  /** Null for a binary file. */
  additions: number | null;
  deletions: number | null;
  binary: boolean;
  /** Part of the change is not committed (or the file is untracked). */
  uncommitted: boolean;
}

/** A commit with its whole message. */
export interface CommitDetail extends CommitInfo {
  body: string;
}

/** A diff's text, cut at a size limit. */
export interface BoundedText {
  text: string;
  truncated: boolean;
  totalBytes: number;
}
