// git failures as what/why/fix errors, with the invalid-input and not-installed ones.
import { HostError } from '../errors';

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
  | 'git.too-old'
  | 'git.copy-changed';

export class GitError extends HostError<GitErrorCode> {}

export function invalid(why: string): GitError {
  return new GitError({
    code: 'git.invalid-input',
    what: 'Invalid input for git',
    why,
    fix: 'This is a bug in the caller; report it.',
  });
}

export function notInstalled(binary: string, reason: string): GitError {
  return new GitError({
    code: 'git.not-installed',
    what: 'git is not available',
    why: `Running ${binary} failed (${reason}).`,
    fix: 'Install the Xcode Command Line Tools (xcode-select --install) or `brew install git`, then restart Clave.',
  });
}
