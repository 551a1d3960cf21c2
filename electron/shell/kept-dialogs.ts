// A kept session's Merge… and Discard… from the tray, as native dialogs: each confirmed with what
// is at stake (the exit dialog's facts), then carried out and reported as the exit dialog does,
// so a conflict or a refused discard is shown, never swallowed.
import type { ClaveApi, StopResult } from '../../shared/api';
import { describeStakes, lookUpSession, stopAndReport, type Dialogs } from './exit-dialog';

/** Merge… : a merge commit, or one squashed commit when the box is ticked. */
export async function mergeWithDialog(
  api: ClaveApi,
  dialogs: Dialogs,
  id: string,
): Promise<StopResult | null> {
  const found = await lookUpSession(api, dialogs, id);
  if (!found) return null;
  const base = found.info.baseBranch ?? 'the base branch';
  const { response, checkboxChecked } = await dialogs.showMessageBox({
    type: 'question',
    message: `Merge the work in ${found.name} into ${base}?`,
    // A native box cannot edit text: the host makes the squash message from the commits.
    detail: `${describeStakes(found.info)}\n\nSquashed, the commit's message is made from the session's commits; to write it yourself, merge from the window.`,
    buttons: [`Merge into ${base}`, 'Cancel'],
    checkboxLabel: 'Squash into one commit',
    checkboxChecked: false,
    defaultId: 0,
    cancelId: 1,
    noLink: true,
  });
  if (response !== 0) return null;
  const { name, worktree } = found;
  return stopAndReport(api, dialogs, id, name, worktree, 'merge', false, checkboxChecked);
}

/** Discard… : Cancel is the default; the host still refuses to throw work away unasked. */
export async function discardWithDialog(
  api: ClaveApi,
  dialogs: Dialogs,
  id: string,
): Promise<StopResult | null> {
  const found = await lookUpSession(api, dialogs, id);
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
