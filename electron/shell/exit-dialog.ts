// The native end-of-session dialog (the tray's Stop…, or the agent quitting while the window is
// hidden): Keep (default) / Merge / Discard with what is at stake, then the host's answer. A
// conflict or a refused discard comes back as its own dialog, never as silence.
import type { MessageBoxOptions, MessageBoxReturnValue } from 'electron';
import type { ClaveApi, ExitInfo, StopResult } from '../../shared/api';
import type { OnExit, Problem } from '../../shared/session';
import { ApiError } from '../../shared/protocol';
import { describeStakes } from '../../shared/stakes';

export { describeStakes };

export interface Dialogs {
  showMessageBox(options: MessageBoxOptions): Promise<MessageBoxReturnValue>;
}

function problemText(p: Problem): string {
  return [p.why, p.fix && `What to do: ${p.fix}`].filter(Boolean).join('\n\n');
}

function asProblem(e: unknown): Problem {
  return e instanceof ApiError ? e.problem : { what: e instanceof Error ? e.message : String(e) };
}

/** Asks and carries out the decision; resolves with the host's result, or null if not ended. */
export async function endSessionWithDialog(
  api: ClaveApi,
  dialogs: Dialogs,
  sessionId: string,
  reason: 'user' | 'agent-exited',
): Promise<StopResult | null> {
  const found = await lookUpSession(api, dialogs, sessionId);
  if (!found) return null;
  const { name, worktree, info } = found;

  const base = info.baseBranch;
  const { response } = await dialogs.showMessageBox({
    type: 'question',
    message:
      reason === 'agent-exited' ? `Claude has exited in ${name}` : `End the session in ${name}?`,
    detail: `What should happen to its work?\n\n${describeStakes(info)}`,
    buttons: [
      'Keep',
      base ? `Merge into ${base}` : 'Merge',
      'Discard',
      reason === 'agent-exited' ? 'Decide Later' : 'Cancel',
    ],
    defaultId: 0,
    cancelId: 3,
    noLink: true,
  });
  const decision = (['keep', 'merge', 'discard'] as const)[response];
  if (!decision) return null;
  return stopAndReport(api, dialogs, sessionId, name, worktree, decision, false);
}

/** Carries out a decision and shows what went wrong, if anything (a refused discard can be forced). */
export async function stopAndReport(
  api: ClaveApi,
  dialogs: Dialogs,
  id: string,
  name: string,
  worktree: string | null,
  decision: OnExit,
  force: boolean,
  squash = false,
): Promise<StopResult | null> {
  let result: StopResult;
  try {
    result = await api.call('sessions.stop', {
      id,
      onExit: decision,
      ...(force ? { force } : {}),
      ...(squash ? { squash } : {}),
    });
  } catch (e) {
    const p = asProblem(e);
    await dialogs.showMessageBox({
      type: 'error',
      message: `Could not end the session in ${name}: ${p.what}`,
      detail: problemText(p),
    });
    return null;
  }
  if (result.problem) {
    const kept = result.outcome === 'kept' && worktree ? `\n\nThe work is in ${worktree}.` : '';
    const refusedDiscard = decision === 'discard' && !force;
    const { response } = await dialogs.showMessageBox({
      type: 'warning',
      message: result.problem.what,
      detail: problemText(result.problem) + kept,
      buttons: refusedDiscard ? ['Keep It', 'Discard Anyway'] : ['OK'],
      defaultId: 0,
      cancelId: 0,
      noLink: true,
    });
    if (refusedDiscard && response === 1) {
      return stopAndReport(api, dialogs, id, name, worktree, 'discard', true);
    }
  }
  if (result.teardownProblems.length) {
    await dialogs.showMessageBox({
      type: 'warning',
      message: `The session in ${name} did not finish stopping`,
      detail:
        result.teardownProblems
          .map((p) => [p.what, problemText(p)].filter(Boolean).join('\n'))
          .join('\n\n') + '\n\nThe rest is done. Once that is fixed, choose Stop… again.',
    });
  }
  return result;
}

/** The session's name and copy, and what is at stake; null (after saying why) when unknown. */
export async function lookUpSession(
  api: ClaveApi,
  dialogs: Dialogs,
  id: string,
): Promise<{ name: string; worktree: string | null; info: ExitInfo } | null> {
  try {
    const s = await api.call('sessions.get', { id });
    const info = await api.call('sessions.exitInfo', { id });
    return { name: s.projectName, worktree: s.worktreeDir, info };
  } catch (e) {
    const p = asProblem(e);
    await dialogs.showMessageBox({ type: 'error', message: p.what, detail: problemText(p) });
    return null;
  }
}
