// The window's attention faces, rendered: agent states and unread marks in the list and detail,
// the title, markSeen, the notice for a session off screen, and the app's desktop bridge.
import { afterEach, describe, expect, it } from 'vitest';
import { render } from 'vitest-browser-react';
import { userEvent } from 'vitest/browser';
import type { AgentStatus, SessionSummary } from '../../shared/session';
import { AGENT_STATE_LABEL } from '../../shared/attention';
import { AgentState } from '../../shared/session';
import { App } from './App';
import { AgentBadge } from './components/AgentBadge';
import './styles.css';
import { SessionStore } from './store/sessions';
import { createFakeApi, summary } from './testing/fake-api';
import { utf8 } from '../../shared/wire';

const since = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
const agent = (state: AgentStatus['state'], detail: string | null = null): AgentStatus => ({
  state,
  since: since(125_000),
  detail,
});

function twoSessions(): SessionSummary[] {
  return [
    summary(
      {
        id: 'aaaa1111',
        agent: agent('working', 'Edit'),
        mcpTunnels: [
          { name: 'linear', port: 3845 },
          { name: 'figma', port: 3333 },
        ],
      },
      'shop',
    ),
    summary(
      {
        id: 'bbbb2222',
        agent: agent('needs-input', 'Claude needs your permission to use Bash'),
        unread: true,
      },
      'blog',
    ),
  ];
}

/** The article (session) holding the focused element, if any. */
const focusedSession = () =>
  document.activeElement?.closest('article')?.getAttribute('data-session-id') ?? null;

afterEach(() => {
  delete window.claveDesktop;
});

describe('attention in the window', () => {
  it('marks who needs you in the list, the detail and the title; marks a shown session seen', async () => {
    const api = createFakeApi();
    api.handle('sessions.list', twoSessions);
    api.handle('sessions.markSeen', () => null);
    const screen = await render(<App store={new SessionStore(api)} />);
    const list = screen.getByRole('navigation', { name: 'Sessions' });
    const blogItem = list.getByRole('button', { name: /^unread ?blog/ });
    await expect.element(blogItem).toHaveTextContent('needs input');
    await expect.element(blogItem).toHaveClass('needs-you');
    await expect.element(list.getByRole('button', { name: /^shop/ })).toHaveTextContent('working');
    await expect.poll(() => document.title).toBe('Clave — 1 needs you');

    // shop is shown first: its detail has the agent's state with its age, and the MCP tunnels.
    const shop = screen.getByRole('article', { name: 'Session shop' });
    await expect.element(shop.getByText('working')).toBeVisible();
    await expect.element(shop.getByText(/· 2m 0\ds/)).toBeVisible();
    await expect
      .element(shop.getByRole('region', { name: 'MCP servers from this Mac' }))
      .toHaveTextContent('linear localhost:3845figma localhost:3333');
    expect(api.callsOf('sessions.markSeen')).toEqual([]);

    // The jump to the session that needs you shows it, its question, and marks it seen.
    await userEvent.click(screen.getByRole('button', { name: /1 needs you — show blog/ }));
    const blog = screen.getByRole('article', { name: 'Session blog' });
    await expect
      .element(blog.getByRole('status', { name: 'Agent' }))
      .toHaveTextContent('Claude needs your permission to use Bash');
    await expect.poll(() => api.callsOf('sessions.markSeen')).toEqual([{ id: 'bbbb2222' }]);
    await expect.poll(focusedSession).toBe('bbbb2222');
    api.emit('session.updated', { ...twoSessions()[1]!, unread: false, agent: agent('working') });
    await expect.poll(() => document.title).toBe('Clave');
    await expect.element(list.getByRole('button', { name: /^blog/ })).not.toHaveClass('needs-you');
  });

  it('lights the unread dot when the agent of a session off screen prints something new', async () => {
    const api = createFakeApi();
    api.handle('sessions.list', twoSessions);
    // As the host does: the mark goes, and every face hears it.
    api.handle('sessions.markSeen', ({ id }) => {
      const s = twoSessions().find((x) => x.id === id)!;
      setTimeout(() => api.emit('session.updated', { ...s, unread: false }), 0);
      return null;
    });
    const opened: string[] = [];
    api.handle('terminal.open', ({ sessionId }) => {
      opened.push(sessionId);
      return { terminalId: `term-${sessionId}` };
    });
    const screen = await render(<App store={new SessionStore(api)} />);
    await expect.poll(() => opened.sort()).toEqual(['aaaa1111', 'bbbb2222']);
    const list = screen.getByRole('navigation', { name: 'Sessions' });
    await userEvent.click(list.getByRole('button', { name: /^(unread ?)?blog/ }));
    // Past the attach redraw (screen-watch.test.ts shows that it and tmux's clock are no news).
    await new Promise((r) => setTimeout(r, 1600));
    expect(list.getByRole('img', { name: 'unread' }).elements()).toHaveLength(0);
    api.emit('terminal.data', { terminalId: 'term-aaaa1111', data: utf8('Done: all green\r\n') });
    await expect.element(list.getByRole('button', { name: /^unread ?shop/ })).toBeVisible();
    // Output of the session on screen is seen as it comes.
    api.emit('terminal.data', { terminalId: 'term-bbbb2222', data: utf8('Done: all green\r\n') });
    await userEvent.click(list.getByRole('button', { name: /^(unread ?)?shop/ }));
    await expect.element(list.getByRole('button', { name: /^shop/ })).toBeVisible();
    await expect.element(list.getByRole('button', { name: /^blog/ })).toBeVisible();
  });

  it('in the browser, says in the page that a session off screen needs you and leads there', async () => {
    const api = createFakeApi();
    api.handle('sessions.list', twoSessions);
    api.handle('sessions.markSeen', () => null);
    const screen = await render(<App store={new SessionStore(api)} />);
    await expect.element(screen.getByRole('article', { name: 'Session shop' })).toBeVisible();
    // Headless Chromium has not granted notifications: the in-page notice stands in.
    expect(Notification.permission).not.toBe('granted');
    await expect
      .element(screen.getByRole('button', { name: 'Turn on notifications' }))
      .toBeVisible();
    api.emit('session.attention', {
      sessionId: 'bbbb2222',
      projectName: 'blog',
      state: 'needs-input',
      detail: 'Do you want to proceed?',
    });
    const notice = screen.getByRole('status').filter({ hasText: 'blog needs you' });
    await expect.element(notice).toHaveTextContent('Do you want to proceed?');
    await userEvent.click(notice.getByRole('button', { name: 'Show' }));
    await expect.element(screen.getByRole('article', { name: 'Session blog' })).toBeVisible();
    await expect.poll(focusedSession).toBe('bbbb2222');
    expect(screen.getByText('blog needs you').elements()).toHaveLength(0);
  });
});

describe('agent badges', () => {
  it('give every agent state its own label and look; needs-input carries a mark', async () => {
    const screen = await render(
      <div>
        {AgentState.options.map((state) => (
          <AgentBadge key={state} agent={agent(state, `detail of ${state}`)} />
        ))}
      </div>,
    );
    const badges = [...screen.container.querySelectorAll<HTMLElement>('.agent-badge')];
    expect(badges.map((b) => b.textContent)).toEqual(
      AgentState.options.map((s) => (s === 'needs-input' ? '!' : '') + AGENT_STATE_LABEL[s]),
    );
    expect(new Set(AgentState.options.map((s) => AGENT_STATE_LABEL[s])).size).toBe(6);
    const looks = badges.map((b) => {
      const css = getComputedStyle(b);
      return `${css.color}|${css.backgroundColor}|${css.borderTopStyle}`;
    });
    expect(new Set(looks).size).toBe(6);
    expect(badges[2]!.title).toMatch(/^since .* — detail of needs-input$/);
  });
});

describe('attention in the app', () => {
  it('tells main which session it shows, and shows the one main asks for on its terminal', async () => {
    const shown: (string | null)[] = [];
    let focus: ((id: string) => void) | null = null;
    window.claveDesktop = {
      pathForFile: () => '',
      onFocusSession: (l) => {
        focus = l;
        return () => (focus = null);
      },
      onShowSettings: () => () => {},
      openSettingsFile: () => {},
      openSessionFolder: async () => null,
      showingSession: (id) => void shown.push(id),
    };
    const api = createFakeApi();
    api.handle('sessions.list', twoSessions);
    api.handle('sessions.markSeen', () => null);
    const screen = await render(<App store={new SessionStore(api)} />);
    await expect.poll(() => shown.at(-1)).toBe('aaaa1111');
    expect(screen.getByRole('button', { name: 'Turn on notifications' }).elements()).toEqual([]);
    // Main shows its own notifications: none in the page.
    api.emit('session.attention', {
      sessionId: 'bbbb2222',
      projectName: 'blog',
      state: 'needs-input',
      detail: null,
    });
    // A click on main's notification (or the tray's Open Terminal).
    focus!('bbbb2222');
    await expect.element(screen.getByRole('article', { name: 'Session blog' })).toBeVisible();
    await expect.poll(() => shown.at(-1)).toBe('bbbb2222');
    await expect.poll(focusedSession).toBe('bbbb2222');
    expect(screen.getByText('blog needs you').elements()).toEqual([]);
  });
});
