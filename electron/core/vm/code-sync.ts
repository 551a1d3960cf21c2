// Code by git instead of a share (contracts/orchard.md §5): for a runtime whose VMs cannot see
// this Mac's folders, the session copy is pushed into a repository at the guest path at attach,
// and the guest's work (commits and uncommitted files) is brought back by collect. Implemented in
// vm/git-sync/; a runtime with live shares (local Tart) needs none of it.
import type { GuestExecResult, GuestShell } from './runtime';

export interface CodeSync {
  /**
   * The copy as it is (its branch, uncommitted and untracked work, and the gitignored files
   * Clave carried into it, such as .env) becomes a git checkout at `guestPath`. Safe to repeat
   * (an existing checkout is brought to the copy's state). A failure is a non-zero result.
   */
  push(
    shell: GuestShell,
    copyDir: string,
    guestPath: string,
    signal?: AbortSignal,
  ): Promise<GuestExecResult>;
  /**
   * The guest's branch and uncommitted work become the copy's: the branch moves to the guest's
   * commits and the working tree to the guest's files. Never loses work on this Mac: when the
   * copy changed here since the last push/collect, nothing is overwritten and it rejects with a
   * HostError saying so (what / why / fix). Resolves with the time it finished.
   */
  collect(shell: GuestShell, copyDir: string, guestPath: string): Promise<Date>;
}
