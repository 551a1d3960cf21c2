import { describe, expect, it } from 'vitest';
import { render } from 'vitest-browser-react';
import { userEvent } from 'vitest/browser';
import type { ChangedFile, Changes, Commit, FileDiff } from '../../../../shared/api';
import { App } from '../../App';
import type { Connection, ConnectionStatus } from '../../api/connection';
import { SessionStore } from '../../store/sessions';
import { createFakeApi, summary } from '../../testing/fake-api';
import { ChangesView } from './ChangesView';
import { DIFF_LINES_STEP } from './ChangesDiff';
import { FILES_PAGE } from './ChangesFileList';

const ID = 'a1b2c3d4';

function file(path: string, patch: Partial<ChangedFile> = {}): ChangedFile {
  return {
    path,
    oldPath: null,
    status: 'modified',
    additions: 2,
    deletions: 1,
    binary: false,
    uncommitted: false,
    ...patch,
  };
}

const commit = (sha: string, subject: string): Commit => ({
  sha,
  subject,
  body: '',
  author: 'Claude',
  date: '2026-11-30T10:00:00Z',
});

function changes(files: ChangedFile[], patch: Partial<Changes> = {}): Changes {
  return {
    sessionId: ID,
    base: { branch: 'main', commit: 'abc123', moved: false },
    files,
    truncated: false,
    additions: 5,
    deletions: 1,
    commits: [],
    ...patch,
  };
}

const PHP_DIFF = `diff --git a/routes/web.php b/routes/web.php
index 1111111..2222222 100644
--- a/routes/web.php
+++ b/routes/web.php
@@ -1,3 +1,4 @@
 <?php
 use Illuminate\\Support\\Facades\\Route;
-Route::get('/', fn () => view('welcome'));
+Route::get('/', fn () => view('home'));
+Route::get('/orders', [OrderController::class, 'index']);
`;

function diffOf(path: string, text: string, patch: Partial<FileDiff> = {}): FileDiff {
  return { path, diff: text, binary: false, truncated: false, totalBytes: text.length, ...patch };
}

function host(initial: Changes) {
  const api = createFakeApi();
  let current = initial;
  api.handle('changes.get', () => current);
  api.handle('changes.watch', () => null);
  return { api, set: (c: Changes) => (current = c) };
}

describe('ChangesView', () => {
  it('lists the changed files with status, counts, renames, binary and uncommitted marks, and the commits', async () => {
    const { api } = host(
      changes(
        [
          file('routes/web.php', { uncommitted: true }),
          file('app/Models/Order.php', { status: 'untracked', deletions: 0, uncommitted: true }),
          file('app/Http/Shop.php', { status: 'renamed', oldPath: 'app/Http/Store.php' }),
          file('public/logo.png', {
            status: 'added',
            binary: true,
            additions: null,
            deletions: null,
          }),
        ],
        {
          base: { branch: 'main', commit: 'abc', moved: true },
          truncated: true,
          commits: [
            commit('bbbbbbbbbb', 'Add orders page'),
            commit('aaaaaaaaaa', 'Add Order model'),
          ],
        },
      ),
    );
    const screen = await render(<ChangesView api={api} sessionId={ID} onClose={() => {}} />);
    const list = screen.getByRole('list', { name: 'Changed files' });
    await expect
      .element(list.getByRole('button', { name: /routes\/web\.php/ }))
      .toHaveTextContent(/Mroutes\/web\.phpuncommitted\+2 −1/);
    await expect
      .element(list.getByRole('button', { name: /Order\.php/ }))
      .toHaveTextContent(/^U.*uncommitted\+2 −0$/);
    await expect
      .element(list.getByRole('button', { name: /Shop\.php/ }))
      .toHaveTextContent('app/Http/Store.php → app/Http/Shop.php');
    await expect
      .element(list.getByRole('button', { name: /logo\.png/ }))
      .toHaveTextContent(/binary$/);
    await expect
      .element(screen.getByRole('status'))
      .toHaveTextContent('4+ files changed against main · +5 −1 · 2 commits ahead');
    await expect
      .element(screen.getByText('main has moved on since the session started'))
      .toBeVisible();
    await expect
      .element(screen.getByText('More files changed than are listed: these are the first 4.'))
      .toBeVisible();
    const commits = screen.getByRole('list', { name: 'Commits ahead' });
    await expect
      .element(commits)
      .toHaveTextContent(/bbbbbbb Add orders page.*aaaaaaa Add Order model/);
  });

  it('watches the copy only while mounted, and follows it live', async () => {
    const { api, set } = host(changes([file('routes/web.php')]));
    const screen = await render(<ChangesView api={api} sessionId={ID} onClose={() => {}} />);
    await expect.element(screen.getByRole('status')).toHaveTextContent('1 file changed');
    expect(api.callsOf('changes.watch')).toEqual([{ id: ID, on: true }]);
    set(changes([file('routes/web.php'), file('app/New.php', { status: 'untracked' })]));
    const start = performance.now();
    api.emit('changes.updated', { sessionId: ID });
    await expect.element(screen.getByRole('button', { name: /app\/New\.php/ })).toBeVisible();
    expect(performance.now() - start).toBeLessThan(1000);
    await screen.unmount();
    expect(api.callsOf('changes.watch')).toEqual([
      { id: ID, on: true },
      { id: ID, on: false },
    ]);
  });

  it('shows the selected file’s diff with syntax highlighting', async () => {
    const { api } = host(changes([file('routes/web.php')]));
    api.handle('changes.diff', ({ path }) => diffOf(path, PHP_DIFF));
    const screen = await render(<ChangesView api={api} sessionId={ID} onClose={() => {}} />);
    await userEvent.click(screen.getByRole('button', { name: /routes\/web\.php/ }));
    const diff = screen.getByRole('region', { name: 'Diff of routes/web.php' });
    await expect.element(diff.getByText("'/orders'")).toBeVisible();
    expect(api.callsOf('changes.diff')).toEqual([{ id: ID, path: 'routes/web.php' }]);
    const el = diff.element();
    expect(el.querySelectorAll('.diff-code-insert').length).toBe(2);
    expect(el.querySelectorAll('.diff-code-delete').length).toBe(1);
    // PHP grammar applied: the strings and keywords are tokens, not plain text.
    expect(el.querySelector('.token.string')?.textContent).toBe("'/'");
    expect(el.querySelector('.token.keyword')).not.toBeNull();
  });

  it('steps through the files with ↑ and ↓', async () => {
    const { api } = host(changes([file('a.php'), file('b.php'), file('c.php')]));
    api.handle('changes.diff', ({ path }) => diffOf(path, ''));
    const screen = await render(<ChangesView api={api} sessionId={ID} onClose={() => {}} />);
    await userEvent.click(screen.getByRole('button', { name: /a\.php/ }));
    await userEvent.keyboard('{ArrowDown}{ArrowDown}{ArrowDown}{ArrowUp}');
    await expect.element(screen.getByRole('button', { name: /b\.php/ })).toHaveFocus();
    await expect
      .element(screen.getByRole('button', { name: /b\.php/ }))
      .toHaveAttribute('aria-current', 'true');
    expect(api.callsOf('changes.diff').map((c) => c.path)).toEqual([
      'a.php',
      'b.php',
      'c.php',
      'b.php',
    ]); // the end of the list stays put
  });

  it('names a binary file instead of dumping it, and says when a diff was cut', async () => {
    const { api } = host(
      changes([
        file('public/logo.png', { binary: true, additions: null, deletions: null }),
        file('storage/dump.sql'),
      ]),
    );
    api.handle('changes.diff', ({ path }) =>
      path.endsWith('.png')
        ? diffOf(path, '', { binary: true, totalBytes: 0 })
        : diffOf(path, PHP_DIFF.replaceAll('web.php', 'dump.sql'), {
            truncated: true,
            totalBytes: 5_200_000,
          }),
    );
    const screen = await render(<ChangesView api={api} sessionId={ID} onClose={() => {}} />);
    await userEvent.click(screen.getByRole('button', { name: /logo\.png/ }));
    await expect
      .element(screen.getByRole('note'))
      .toHaveTextContent('Binary file: not shown as text.');
    await userEvent.click(screen.getByRole('button', { name: /dump\.sql/ }));
    await expect
      .element(screen.getByRole('note'))
      .toHaveTextContent(/This diff is 5\.2 MB: only its first .* are shown/);
  });

  it('stays quick with thousands of files and a multi-megabyte diff: drawn a page at a time', async () => {
    const many = Array.from({ length: 5000 }, (_, i) => file(`src/f${i}.php`));
    const { api } = host(changes(many));
    // A 5 MB new file: 120k added lines (the host would cut it; here even whole it must not stall).
    const lines = Array.from(
      { length: 120_000 },
      (_, i) => `+$line${i} = str_repeat('x', 30); // filler`,
    );
    const big = `diff --git a/src/f0.php b/src/f0.php
new file mode 100644
index 0000000..2222222
--- /dev/null
+++ b/src/f0.php
@@ -0,0 +1,120000 @@
${lines.join('\n')}
`;
    expect(big.length).toBeGreaterThan(5_000_000);
    api.handle('changes.diff', ({ path }) => diffOf(path, big));
    const screen = await render(<ChangesView api={api} sessionId={ID} onClose={() => {}} />);
    const list = screen.getByRole('list', { name: 'Changed files' });
    await expect
      .element(list.getByRole('button', { name: 'src/f0.php', exact: false }).first())
      .toBeVisible();
    expect(list.element().querySelectorAll('li').length).toBe(FILES_PAGE);
    await userEvent.click(
      screen.getByRole('button', { name: `Show ${FILES_PAGE} more (4800 not shown)` }),
    );
    expect(list.element().querySelectorAll('li').length).toBe(2 * FILES_PAGE);

    const start = performance.now();
    await userEvent.click(list.getByRole('button', { name: /^M\s*src\/f0\.php/ }));
    const diff = screen.getByRole('region', { name: 'Diff of src/f0.php' });
    await expect.element(diff.getByText('$line0 = ', { exact: false })).toBeVisible();
    expect(performance.now() - start).toBeLessThan(5000);
    expect(diff.element().querySelectorAll('.diff-code-insert').length).toBe(DIFF_LINES_STEP);
    // Too big to highlight without stalling: drawn plain.
    expect(diff.element().querySelector('.token')).toBeNull();
    await userEvent.click(diff.getByRole('button', { name: /Show 1500 more lines/ }));
    expect(diff.element().querySelectorAll('.diff-code-insert').length).toBe(2 * DIFF_LINES_STEP);
  });

  it('shows the host’s problem and tries again on request', async () => {
    const { api } = host(changes([]));
    api.fail('changes.get', { what: 'The session copy is gone', fix: 'Discard the session.' });
    const screen = await render(<ChangesView api={api} sessionId={ID} onClose={() => {}} />);
    await expect.element(screen.getByRole('alert')).toHaveTextContent('The session copy is gone');
    api.handle('changes.get', () => changes([]));
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await expect.element(screen.getByRole('status')).toHaveTextContent('No changes against main');
  });

  it('in the window: the Changes button opens it over the terminals, and a reconnect watches again', async () => {
    const { api } = host(changes([file('routes/web.php')]));
    api.handle('sessions.list', () => [summary()]);
    let status: ConnectionStatus = { state: 'open', epoch: 1 };
    const listeners = new Set<(s: ConnectionStatus) => void>();
    const connection: Connection = {
      api,
      status: () => status,
      onStatus: (l) => {
        listeners.add(l);
        return () => void listeners.delete(l);
      },
      close: () => {},
    };
    const screen = await render(<App store={new SessionStore(api, connection)} />);
    const detail = screen.getByRole('article', { name: 'Session my-app' });
    const toggle = detail.getByRole('button', { name: 'Changes' });
    await userEvent.click(toggle);
    await expect.element(toggle).toHaveAttribute('aria-pressed', 'true');
    await expect.element(detail.getByRole('region', { name: 'Changes' })).toBeVisible();
    const terminals = () => detail.element().querySelector<HTMLElement>('section.terminals')!;
    expect(terminals().hidden).toBe(true);
    expect(api.callsOf('changes.watch')).toEqual([{ id: ID, on: true }]);
    for (const next of [
      { state: 'closed', epoch: 1 },
      { state: 'open', epoch: 2 },
    ] as const) {
      status = next;
      for (const l of listeners) l(next);
    }
    await expect.poll(() => api.callsOf('changes.watch').filter((w) => w.on).length).toBe(2);
    expect(api.callsOf('changes.get').length).toBeGreaterThanOrEqual(2);
    await userEvent.click(toggle);
    await expect.poll(() => terminals().hidden).toBe(false);
    expect(api.callsOf('changes.watch').at(-1)).toEqual({ id: ID, on: false });
  });
});
