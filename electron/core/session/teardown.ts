// Teardown, in the seed's order: unproxy → close tunnel → (collect the guest's work, for runtimes
// whose VM does not share this Mac's folder) → stop VM → delete VM → worktree decision → delete
// record. Each part runs whatever happened before it (one failure never skips the rest) and only
// acts on what the session actually made, so it is safe to run after a failed step, twice, or
// after a crash from the record alone.
import { existsSync } from 'node:fs';
import type { StopResult } from '../../../shared/api';
import { settlesWithin } from '../host/retry';
import type { OnExit, Problem } from '../../../shared/session';
import { isClaveTarget, servedTarget } from './cleanup/survey';
import type { SessionContext } from './context';
import { applyExitDecision, type SquashOptions } from './exit-decision';
import { toProblem } from './problem';
import { copyIsShared, syncCopy } from './sync';

export interface TeardownOptions {
  decision: OnExit;
  force?: boolean;
  /** With merge: squash into one commit. */
  merge?: SquashOptions;
  /** An earlier stop already merged or discarded the copy (then failed on the rest): leave it. */
  copyDone?: boolean;
  /** Called before the ssh connection closes: terminals and watchers of this session end here. */
  closeChannels?: () => void;
}

async function part(problems: Problem[], label: string, fn: () => Promise<unknown> | unknown) {
  try {
    await fn();
  } catch (e) {
    const p = toProblem(e);
    problems.push({ ...p, what: `${label}: ${p.what}` });
  }
}

export async function teardown(ctx: SessionContext, options: TeardownOptions): Promise<StopResult> {
  const { deps, live, state } = ctx;
  const problems: Problem[] = [];

  await part(problems, 'Remove the .test proxy', async () => {
    if (!state.proxyName) return;
    // Torn down from a record (a previous host died): the proxy may have been re-pointed by its
    // owner since; remove it only while it still points at one of Clave's tunnels.
    if (!live.tunnel) {
      const target = await servedTarget(deps, state.proxyName);
      if (!target || !isClaveTarget(target, deps.ports.range)) return;
    }
    await deps.proxies.unproxy(state.proxyName);
  });
  await part(problems, 'Close the MCP tunnels', async () => {
    await live.mcpTunnels?.close();
    await live.serviceTunnels?.close();
    live.mcpTunnels = null;
    live.serviceTunnels = null;
    if (deps.sessions.get(ctx.id)?.mcpTunnels.length) ctx.update({ mcpTunnels: [] });
  });
  await part(problems, 'Close the tunnel', async () => {
    await live.tunnel?.close();
    await live.portLease?.release();
    live.tunnel = null;
    live.portLease = null;
  });
  // The VM's last work into the copy (code by git). When it cannot come back, nothing is merged
  // or discarded on a copy that lacks it: the copy is kept, and the session says why.
  let decision = options.decision;
  if (live.ssh && !live.ssh.closed && state.worktreeDir && !copyIsShared(ctx)) {
    try {
      await syncCopy(ctx);
    } catch (e) {
      const p = toProblem(e);
      ctx.warn({ ...p, what: `The VM's last work was not brought back: ${p.what}` });
      if (decision !== 'keep') decision = 'keep';
    }
  }
  await part(problems, 'Close the SSH connection', async () => {
    live.stopAgentWatch?.();
    live.stopAgentWatch = null;
    options.closeChannels?.();
    await live.ssh?.close();
    live.ssh = null;
  });
  await part(problems, 'Stop the VM', async () => {
    if (!state.vmName) return;
    const vms = await deps.vms.list();
    const listedRunning = vms.some((v) => v.name === state.vmName && v.running);
    // A VM still booting may not be listed as running yet: end the run process this host holds.
    live.vm?.stop();
    if (listedRunning) await deps.vms.stop(state.vmName);
    // `tart run` ends when the guest is off; do not leave it behind as a zombie of this process.
    if (live.vm) await settlesWithin(live.vm.exited, 15_000);
    live.vm = null;
  });
  await part(problems, 'Delete the VM', async () => {
    if (state.vmName && (await deps.vms.exists(state.vmName))) await deps.vms.delete(state.vmName);
  });

  let outcome: Pick<StopResult, 'outcome' | 'problem'> = { outcome: 'kept', problem: null };
  await part(problems, 'Handle the session copy', async () => {
    // Nothing of a copy before ValidateProject named it.
    if (!ctx.names) return;
    // The ledger entry of a copy goes with the copy (a kept copy stays on it).
    const { worktreeDir: copy, branch } = ctx.names;
    const forgetIfGone = async () => {
      if (existsSync(copy) || !deps.ledger.list({ kind: 'copy', name: copy }).length) return;
      if ((await deps.git.resolve(ctx.projectDir, `refs/heads/${branch}`)) === null)
        deps.ledger.remove('copy', copy);
    };
    if (!state.worktreeDir || !state.branch) return forgetIfGone();
    if (options.copyDone) {
      outcome = { outcome: options.decision === 'merge' ? 'merged' : 'discarded', problem: null };
      return forgetIfGone();
    }
    outcome = await applyExitDecision(
      deps.git,
      {
        repo: ctx.projectDir,
        id: ctx.id,
        copy,
        branch: state.branch,
        baseBranch: state.baseBranch,
        baseCommit: state.baseCommit,
      },
      decision,
      options.force ?? false,
      options.merge,
    );
    await forgetIfGone();
  });

  return { ...outcome, teardownProblems: problems };
}
