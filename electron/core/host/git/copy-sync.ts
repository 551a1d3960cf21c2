// A session copy synced with a checkout elsewhere (a VM that cannot see this Mac's folders) by git
// bundles: the copy as it is now (commits, uncommitted and untracked work) as one "state" commit,
// what was last synced kept in a per-worktree ref, and the other side's state adopted only when
// the copy did not change here since. The copy's own index is never used to build a state.
import { GitError } from './errors';
import { GitSessionCopies } from './session-copies';
import { FALLBACK_IDENTITY } from './runner';

/** The state commit the copy and the VM last agreed on (its reflog keeps every earlier one). */
export const SYNCED_REF = 'refs/worktree/clave/synced';
/** The VM's state at the last collect: kept even when it was refused, so it is never lost. */
export const GUEST_REF = 'refs/worktree/clave/guest';
/** The name a state travels under in a bundle sent to the VM (exists only while bundling). */
export const OUTGOING_REF = 'refs/worktree/clave/outgoing';
/** The name the VM's state travels under in the bundle it sends back. */
export const GUEST_STATE_REF = 'refs/clave/state';
/** Where the VM's checkout fetches a bundle from this Mac (deleted once checked out). */
export const GUEST_INCOMING_REF = 'refs/clave/incoming';

/**
 * How a state commit is made, the same here and in the VM: the working tree as a tree, HEAD as its
 * parent, and a fixed author, date (HEAD's) and message, so the same work is the same commit on
 * both sides and a sync with nothing new is recognised as such.
 */
export const STATE_MESSAGE =
  'Clave: the session as it was, uncommitted and untracked files included';
export const STATE_IDENTITY_ENV: Readonly<Record<string, string>> = {
  GIT_AUTHOR_NAME: FALLBACK_IDENTITY.name,
  GIT_AUTHOR_EMAIL: FALLBACK_IDENTITY.email,
  GIT_COMMITTER_NAME: FALLBACK_IDENTITY.name,
  GIT_COMMITTER_EMAIL: FALLBACK_IDENTITY.email,
};
function stateCommitEnv(rawDate: string): Record<string, string> {
  return { ...STATE_IDENTITY_ENV, GIT_AUTHOR_DATE: rawDate, GIT_COMMITTER_DATE: rawDate };
}

/** A copy (or checkout) as one commit. */
export interface CopyState {
  /** The state commit: `tree` with `head` as its parent. */
  state: string;
  tree: string;
  head: string;
  /** The checked-out branch, or null for a detached HEAD. */
  branch: string | null;
}

export class GitCopySync extends GitSessionCopies {
  /** The copy as it is now as a state commit (written to the object store, no ref). */
  copyState(dir: string): Promise<CopyState> {
    return this.withCopyState(dir, (s) => Promise.resolve(s));
  }

  /** The state of the last push or collect, or null before the first. */
  syncedState(dir: string): Promise<Omit<CopyState, 'branch'> | null> {
    return this.stateAt(dir, SYNCED_REF);
  }

  private async stateAt(dir: string, ref: string): Promise<Omit<CopyState, 'branch'> | null> {
    const state = await this.resolve(dir, ref);
    if (state === null) return null;
    const r = await this.git(['show', '-s', '--format=%T %P', state], { cwd: dir });
    const [tree = '', head = ''] = r.stdout.trim().split(' ');
    return { state, tree, head };
  }

  /** Records `state` as what the copy and the VM now agree on; the previous one stays in the reflog. */
  async markSynced(dir: string, state: string, reason: string): Promise<void> {
    await this.git(['update-ref', '--create-reflog', '-m', reason, SYNCED_REF, state], {
      cwd: dir,
      what: 'Could not record what was synced with the VM',
    });
  }

  /** Which of `commits` this repository has. */
  async knownCommits(dir: string, commits: readonly string[]): Promise<string[]> {
    const out: string[] = [];
    for (const c of new Set(commits)) {
      if (!/^[0-9a-f]{40,64}$/.test(c)) continue;
      const r = await this.git(['cat-file', '-e', `${c}^{commit}`], {
        cwd: dir,
        okCodes: [1, 128],
      });
      if (r.exitCode === 0) out.push(c);
    }
    return out;
  }

  /**
   * Writes a bundle of `state` (under OUTGOING_REF) and all its history except what `known`
   * commits already have (the other side has them): what the VM needs to check the state out.
   */
  async bundleState(dir: string, state: string, known: readonly string[], file: string) {
    const not = await this.knownCommits(dir, known);
    await this.git(['update-ref', '--no-deref', OUTGOING_REF, state], { cwd: dir });
    try {
      await this.git(
        ['bundle', 'create', file, OUTGOING_REF, ...(not.length ? ['--not', ...not] : [])],
        { cwd: dir, timeoutMs: this.cloneTimeoutMs, what: 'Could not bundle the session copy' },
      );
    } finally {
      await this.git(['update-ref', '-d', OUTGOING_REF], { cwd: dir });
    }
  }

  /** Fetches the VM's state from a bundle it made into GUEST_REF; returns that commit. */
  async fetchGuestState(dir: string, file: string): Promise<string> {
    await this.git(
      [
        'fetch',
        '--quiet',
        '--no-tags',
        '--no-write-fetch-head',
        '--',
        file,
        `+${GUEST_STATE_REF}:${GUEST_REF}`,
      ],
      { cwd: dir, timeoutMs: this.cloneTimeoutMs, what: "Could not fetch the VM's work" },
    );
    const state = await this.resolve(dir, GUEST_REF);
    if (state === null) throw this.failedMessage("The VM's bundle had no state in it");
    return state;
  }

  /**
   * What the copy was last synced to, checked: throws `git.copy-changed` unless the copy is still
   * that. A collect cut short after the copy took the VM's files (e.g. by a stale index.lock) is
   * finished here: the copy is then the VM's last collected state, which becomes the synced one.
   */
  async assertUnchangedSince(
    dir: string,
    synced: Omit<CopyState, 'branch'>,
  ): Promise<Omit<CopyState, 'branch'>> {
    const guest = await this.stateAt(dir, GUEST_REF);
    return this.withCopyState(dir, async (now) => {
      if (guest !== null && guest.state !== synced.state && same(guest, now)) {
        await this.git(['reset', '-q'], { cwd: dir, what: 'Could not reset the index' });
        await this.markSynced(dir, guest.state, 'clave: finished an interrupted collect');
        return guest;
      }
      await this.assertSame(dir, synced, now);
      return synced;
    });
  }

  /**
   * The copy becomes `guestState`: its branch (or detached HEAD) moves to the state's parent, its
   * working tree to the state's tree (files gone there go here too; ignored files are left alone),
   * its index to HEAD; then SYNCED_REF records it. Refuses with `git.copy-changed`, having changed
   * nothing, when the copy is not `synced` any more. The copy's previous state is `synced`, whose
   * reflog keeps it.
   */
  async adoptState(
    dir: string,
    synced: Omit<CopyState, 'branch'>,
    guestState: string,
    reason: string,
  ): Promise<void> {
    const r = await this.git(['show', '-s', '--format=%T %P', guestState], { cwd: dir });
    const [tree = '', head = ''] = r.stdout.trim().split(' ');
    await this.withCopyState(dir, async (now, env) => {
      await this.assertSame(dir, synced, now);
      if (tree !== now.tree) {
        // A two-tree switch on an index of the working tree as it is: git checks every file it
        // touches is still what the index says, removes what `tree` lacks and never an ignored file.
        await this.git(['read-tree', '-m', '-u', now.tree, tree], {
          cwd: dir,
          env,
          timeoutMs: this.cloneTimeoutMs,
          what: "Could not bring the VM's files into the session copy",
        });
      }
      if (head !== now.head) {
        const ref = now.branch === null ? ['--no-deref', 'HEAD'] : [`refs/heads/${now.branch}`];
        await this.git(['update-ref', '-m', reason, ...ref, head, now.head], {
          cwd: dir,
          what: "Could not move the session branch to the VM's commits",
        });
      }
      // Index = HEAD: what the agent left uncommitted is uncommitted here too.
      await this.git(['reset', '-q'], { cwd: dir, what: 'Could not reset the index' });
    });
    await this.markSynced(dir, guestState, reason);
  }

  private async assertSame(
    dir: string,
    synced: Omit<CopyState, 'branch'>,
    now: CopyState,
  ): Promise<void> {
    if (same(synced, now)) return;
    const files =
      now.tree === synced.tree
        ? []
        : (
            await this.git(['diff', '--name-only', '-z', '--no-renames', synced.tree, now.tree], {
              cwd: dir,
            })
          ).stdout
            .split('\0')
            .filter((f) => f !== '');
    const shown = files.slice(0, 5).join(', ') + (files.length > 5 ? `, … (${files.length})` : '');
    throw new GitError({
      code: 'git.copy-changed',
      what: "Not bringing the VM's work into the session copy",
      why:
        files.length > 0
          ? `The copy changed on this Mac since the last sync (${shown}); taking the VM's files would overwrite that.`
          : `The copy's commits changed on this Mac since the last sync (HEAD is ${now.head.slice(0, 12)}, was ${synced.head.slice(0, 12)}).`,
      fix: `Set the Mac's edits aside in ${dir} (git stash -u, or undo them), sync again, then re-apply them (git stash pop). The VM still has its work.`,
    });
  }

  /** Runs `fn` with the copy's state and the environment of the throw-away index holding it. */
  private async withCopyState<T>(
    dir: string,
    fn: (state: CopyState, env: NodeJS.ProcessEnv) => Promise<T>,
  ): Promise<T> {
    const head = await this.head(dir);
    if (head.commit === null) {
      throw new GitError({
        code: 'git.no-commits',
        what: `${dir} has no commits`,
        why: 'A copy without a commit cannot be synced.',
        fix: 'Make a first commit in it, then try again.',
      });
    }
    const parent = head.commit;
    return this.asItIsNow(dir, [], async (env) => {
      await this.git(['add', '-A'], { cwd: dir, env, what: 'Could not read the session copy' });
      const tree = (await this.git(['write-tree'], { cwd: dir, env })).stdout.trim();
      const date = await this.git(['show', '-s', '--format=%cd', '--date=raw', parent], {
        cwd: dir,
      });
      const commit = await this.git(
        ['commit-tree', '--no-gpg-sign', '-p', parent, '-m', STATE_MESSAGE, tree],
        { cwd: dir, env: { ...env, ...stateCommitEnv(date.stdout.trim()) } },
      );
      const state = commit.stdout.trim();
      return fn(
        { state, tree, head: parent, branch: head.kind === 'branch' ? head.branch : null },
        env,
      );
    });
  }
}

function same(a: Omit<CopyState, 'branch'>, b: Omit<CopyState, 'branch'>): boolean {
  return a.tree === b.tree && a.head === b.head;
}
