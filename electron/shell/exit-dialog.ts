// The native end-of-session dialog (the tray's Stop…, or the agent quitting while the window is
// hidden): Keep (default) / Merge / Discard with what is at stake, then the host's answer; and a
// kept session's Merge… (optionally squashed) and Discard… from the tray, each confirmed with the
// same facts. A conflict or a refused discard comes back as its own dialog, never as silence.
import type { MessageBoxOptions, MessageBoxReturnValue } from 'electron';
import type { ClaveApi, ExitInfo, StopResult } from '../../shared/api';
import type { OnExit, Problem } from '../../shared/session';
import { ApiError } from '../../shared/protocol';

export interface Dialogs {
  showMessageBox(options: MessageBoxOptions): Promise<MessageBoxReturnValue>;
}

const MAX_FILES = 10;

export function describeStakes(info: ExitInfo): string {
  const base = info.baseBranch ?? 'the base branch';
  const lines: string[] = [];
  if (info.branch)
    lines.push(`Branch ${info.branch}${info.baseBranch ? ` from ${info.baseBranch}` : ''}.`);
  if (info.commitsAhead === 0 && info.uncommittedFiles.length === 0 && info.filesChanged === 0) {
    lines.push(`No changes: the session copy is the same as ${base}.`);
  }
  if (info.filesChanged > 0) {
    lines.push(
      `${info.filesChanged} file${info.filesChanged > 1 ? 's' : ''} changed, +${info.additions} −${info.deletions}.`,
    );
  }
  if (info.commitsAhead > 0) {
    lines.push(`${info.commitsAhead} commit${info.commitsAhead > 1 ? 's' : ''} ahead of ${base}.`);
  }
  const files = info.uncommittedFiles;
  if (files.length) {
    lines.push(
      `${files.length} uncommitted file${files.length > 1 ? 's' : ''} (merge commits them first):`,
      ...files.slice(0, MAX_FILES).map((f) => `  • ${f}`),
      ...(files.length > MAX_FILES ? [`  … and ${files.length - MAX_FILES} more`] : []),
    );
  }
  if (info.baseMoved) lines.push(`${base} has moved on since the session started.`);
  return lines.join('\n');
}

const VM_GOES = 'The VM is stopped and deleted in every case.';

/** The session's name and copy, and what is at stake; null (after saying why) when unknown. */
async function lookUp(
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

/** A kept session's Merge… (tray): confirm with the facts, optionally as one squashed commit. */
export async function mergeWithDialog(
  api: ClaveApi,
  dialogs: Dialogs,
  id: string,
): Promise<StopResult | null> {
  const found = await lookUp(api, dialogs, id);
  if (!found) return null;
  const base = found.info.baseBranch ?? 'the base branch';
  const { response, checkboxChecked } = await dialogs.showMessageBox({
    type: 'question',
    message: `Merge the work in ${found.name} into ${base}?`,
    detail: `${describeStakes(found.info)}\n\nSquashed, the commit's message is made from the session's commits; to write it yourself, merge from the window.`,
    buttons: [`Merge into ${base}`, 'Cancel'],
    checkboxLabel: 'Squash into one commit',
    checkboxChecked: false,
    defaultId: 0,
    cancelId: 1,
    noLink: true,
  });
  if (response !== 0) return null;
  return stopAndReport(
    api,
    dialogs,
    id,
    found.name,
    found.worktree,
    'merge',
    false,
    checkboxChecked,
  );
}

/** A kept session's Discard… (tray): confirm with the facts; the host still refuses to lose work. */
export async function discardWithDialog(
  api: ClaveApi,
  dialogs: Dialogs,
  id: string,
): Promise<StopResult | null> {
  const found = await lookUp(api, dialogs, id);
  if (!found) return null;
  const { response } = await dialogs.showMessageBox({
    type: 'warning',
    message: `Discard the session copy of ${found.name}?`,
    detail: `${describeStakes(found.info)}\n\nThe copy, its branch and its saved conversation are deleted.`,
    buttons: ['Discard', 'Cancel'],
    defaultId: 1,
    cancelId: 1,
    noLink: true,
  });
  if (response !== 0) return null;
  return stopAndReport(api, dialogs, id, found.name, found.worktree, 'discard', false);
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
  const found = await lookUp(api, dialogs, sessionId);
  if (!found) return null;
  const { name, worktree, info } = found;

  const base = info.baseBranch;
  const { response } = await dialogs.showMessageBox({
    type: 'question',
    message:
      reason === 'agent-exited' ? `Claude has exited in ${name}` : `End the session in ${name}?`,
    detail: `What should happen to its work?\n\n${describeStakes(info)}\n\n${VM_GOES}`,
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

async function stopAndReport(
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
      message: `The session in ${name} ended, but some cleanup did not finish`,
      detail: result.teardownProblems
        .map((p) => [p.what, problemText(p)].filter(Boolean).join('\n'))
        .join('\n\n'),
    });
  }
  return result;
}
