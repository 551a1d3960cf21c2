import { describe, expect, it } from 'vitest';
import { render } from 'vitest-browser-react';
import { userEvent } from 'vitest/browser';
import type { Commit } from '../../../shared/api';
import { App } from '../App';
import { SessionStore } from '../store/sessions';
import { createFakeApi, exitInfo, summary } from '../testing/fake-api';

const commit = (sha: string, subject: string): Commit => ({
  sha,
  subject,
  body: '',
  author: 'Claude',
  date: '2026-11-30T10:00:00Z',
});

function host() {
  const api = createFakeApi();
  api.handle('sessions.list', () => [summary()]);
  api.handle('sessions.exitInfo', () =>
    exitInfo({
      uncommittedFiles: ['routes/web.php'],
      commitsAhead: 2,
      filesChanged: 3,
      additions: 40,
      deletions: 7,
      baseMoved: true,
      // Newest first, as the host sends them.
      commits: [commit('bbbb', 'Add the orders page'), commit('aaaa', 'Add the Order model')],
    }),
  );
  api.handle('sessions.stop', () => ({ outcome: 'merged', problem: null, teardownProblems: [] }));
  api.handle('changes.get', () => ({
    sessionId: 'a1b2c3d4',
    base: { branch: 'main', commit: 'abc', moved: true },
    files: [],
    truncated: false,
    additions: 0,
    deletions: 0,
    commits: [],
  }));
  api.handle('changes.watch', () => null);
  return api;
}

describe('ExitDialog', () => {
  it('shows the facts: files changed with +/−, commits ahead, uncommitted, a moved base', async () => {
    const api = host();
    const screen = await render(<App store={new SessionStore(api)} />);
    await userEvent.click(screen.getByRole('button', { name: 'Stop…' }));
    const dialog = screen.getByRole('dialog', { name: 'End the session in my-app?' });
    await expect.element(dialog.getByText('3 files changed', { exact: false })).toBeVisible();
    await expect
      .element(dialog.getByText(/3 files changed/).element().parentElement!)
      .toHaveTextContent('3 files changed +40 −7 · 2 commits ahead of main · 1 uncommitted');
    await expect
      .element(
        dialog.getByText('main has moved on since the session started: a merge combines both.'),
      )
      .toBeVisible();
  });

  it('squashes into one commit with a message prefilled from the commits, oldest first, as edited', async () => {
    const api = host();
    const screen = await render(<App store={new SessionStore(api)} />);
    await userEvent.click(screen.getByRole('button', { name: 'Stop…' }));
    const dialog = screen.getByRole('dialog', { name: 'End the session in my-app?' });
    await userEvent.click(dialog.getByRole('radio', { name: 'Squash into one commit' }));
    const message = dialog.getByRole('textbox', { name: 'Commit message' });
    // As the host would make it: the commits' subjects, oldest first.
    await expect
      .element(message)
      .toHaveValue(
        'Clave session a1b2c3d4: 2 commits\n\n* Add the Order model\n* Add the orders page\n',
      );
    await userEvent.fill(message, 'Orders: model and page');
    await userEvent.click(dialog.getByRole('button', { name: 'Squash into main' }));
    await expect
      .poll(() => api.callsOf('sessions.stop'))
      .toEqual([
        { id: 'a1b2c3d4', onExit: 'merge', squash: true, message: 'Orders: model and page' },
      ]);
    await expect.element(screen.getByText('my-app: work merged into main')).toBeVisible();
  });

  it('merges with a merge commit by default (no squash sent)', async () => {
    const api = host();
    const screen = await render(<App store={new SessionStore(api)} />);
    await userEvent.click(screen.getByRole('button', { name: 'Stop…' }));
    const dialog = screen.getByRole('dialog', { name: 'End the session in my-app?' });
    await expect.element(dialog.getByRole('radio', { name: /Merge commit/ })).toBeChecked();
    await userEvent.click(dialog.getByRole('button', { name: 'Merge into main' }));
    await expect
      .poll(() => api.callsOf('sessions.stop'))
      .toEqual([{ id: 'a1b2c3d4', onExit: 'merge' }]);
  });

  it('a conflict keeps the session and shows the problem', async () => {
    const api = host();
    api.handle('sessions.stop', () => ({
      outcome: 'kept',
      problem: {
        what: 'Kept the session: merging clave/s-a1b2c3d4 into main conflicts',
        why: 'Both changed routes/web.php.',
        fix: 'Resolve it in the copy, then merge again.',
      },
      teardownProblems: [],
    }));
    const screen = await render(<App store={new SessionStore(api)} />);
    await userEvent.click(screen.getByRole('button', { name: 'Stop…' }));
    const dialog = screen.getByRole('dialog', { name: 'End the session in my-app?' });
    await userEvent.click(dialog.getByRole('radio', { name: 'Squash into one commit' }));
    await userEvent.click(dialog.getByRole('button', { name: 'Squash into main' }));
    const result = screen.getByRole('dialog', { name: 'The session copy was kept' });
    await expect
      .element(result.getByRole('alert'))
      .toHaveTextContent('Both changed routes/web.php.');
    await expect.element(result).toHaveTextContent(`The work is in ${summary().worktreeDir}`);
  });

  it('a stop that could not tear everything down says so in the session, and can be tried again', async () => {
    const api = host();
    const vmStays = {
      what: 'Delete the VM: Could not read the Orchard VM clave-a1b2c3d4',
      why: 'The controller or the VM’s worker could not be reached (HTTP 503).',
      fix: 'Check that the controller is healthy, then try again.',
    };
    let stops = 0;
    api.handle('sessions.stop', () => {
      // As the host does: a teardown that failed leaves the record, stopping, with the reason.
      if (++stops === 1)
        setTimeout(() =>
          api.emit('session.updated', summary({ state: 'stopping', error: vmStays })),
        );
      return {
        outcome: 'discarded',
        problem: null,
        teardownProblems: stops === 1 ? [vmStays] : [],
      };
    });
    const screen = await render(<App store={new SessionStore(api)} />);
    await userEvent.click(screen.getByRole('button', { name: 'Stop…' }));
    const dialog = screen.getByRole('dialog', { name: 'End the session in my-app?' });
    await userEvent.click(dialog.getByRole('button', { name: 'Discard' }));
    const result = screen.getByRole('dialog', { name: 'The session did not finish stopping' });
    await expect.element(result).toHaveTextContent('Some cleanup did not finish');
    await userEvent.click(result.getByRole('button', { name: 'Close' }));

    // Not "Stopping…" for ever: the session says why, and the stop can be asked again.
    await expect.element(screen.getByText('The stop did not finish')).toBeVisible();
    await expect.element(screen.getByText(vmStays.why)).toBeVisible();
    await userEvent.click(screen.getByRole('button', { name: 'Stop again…' }));
    await userEvent.click(
      screen.getByRole('dialog', { name: 'End the session in my-app?' }).getByRole('button', {
        name: 'Discard',
      }),
    );
    await expect.poll(() => api.callsOf('sessions.stop')).toHaveLength(2);
  });

  it('“Review the changes first” closes the dialog onto the session’s changes view', async () => {
    const api = host();
    const screen = await render(<App store={new SessionStore(api)} />);
    await userEvent.click(screen.getByRole('button', { name: 'Stop…' }));
    const dialog = screen.getByRole('dialog', { name: 'End the session in my-app?' });
    await userEvent.click(dialog.getByRole('button', { name: 'Review the changes first' }));
    await expect.element(screen.getByRole('region', { name: 'Changes' })).toBeVisible();
    expect(screen.container.querySelector('[role="dialog"]')).toBeNull();
    await expect.poll(() => api.callsOf('changes.watch')).toEqual([{ id: 'a1b2c3d4', on: true }]);
    await userEvent.click(
      screen.getByRole('region', { name: 'Changes' }).getByRole('button', { name: 'Close' }),
    );
    await expect
      .poll(() => api.callsOf('changes.watch'))
      .toEqual([
        { id: 'a1b2c3d4', on: true },
        { id: 'a1b2c3d4', on: false },
      ]);
  });
});
