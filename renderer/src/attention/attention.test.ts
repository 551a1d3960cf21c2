import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentStatus } from '../../../shared/session';
import { Settings } from '../../../shared/settings';
import { SessionStore } from '../store/sessions';
import { createFakeApi, summary, type FakeApi } from '../testing/fake-api';
import { Attention } from './attention';
import { browserNotifier, type BrowserNotifier, type NotifyPermission } from './notifier';
import type { Presence } from './presence';

const since = new Date().toISOString();
const agent = (state: AgentStatus['state'], detail: string | null = null): AgentStatus => ({
  state,
  since,
  detail,
});
const settle = () => new Promise((r) => setTimeout(r, 10));

function fakePresence() {
  const listeners = new Set<() => void>();
  const p = {
    isVisible: true,
    isFocused: true,
    visible: () => p.isVisible,
    focused: () => p.isFocused,
    onChange: (l: () => void) => {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
    set(visible: boolean, focused: boolean) {
      p.isVisible = visible;
      p.isFocused = focused;
      for (const l of listeners) l();
    },
  };
  return p satisfies Presence;
}

function recordingNotifier(permission: NotifyPermission = 'granted') {
  const shown: { title: string; body: string; tag: string; click(): void }[] = [];
  const n = {
    permission: () => permission,
    request: async () => (permission = 'granted'),
    show: (note, onClick) => void shown.push({ ...note, click: onClick }),
    shown,
  } satisfies BrowserNotifier & { shown: unknown };
  return n;
}

let api: FakeApi;
let store: SessionStore;
let presence: ReturnType<typeof fakePresence>;
let doc: { title: string };
let focusedWindow: number;
let attention: Attention;
let reported: (string | null)[];

function make(o: { notifier?: BrowserNotifier | null; desktop?: boolean } = {}) {
  attention = new Attention(store, {
    presence,
    notifier: o.notifier === undefined ? recordingNotifier() : o.notifier,
    ...(o.desktop ? { desktop: { showingSession: (id) => void reported.push(id) } } : {}),
    doc,
    focusWindow: () => void focusedWindow++,
  });
  return attention;
}

const two = () => [
  summary({ id: 'aaaa1111', agent: agent('working') }, 'shop'),
  summary({ id: 'bbbb2222', agent: agent('working') }, 'blog'),
];

beforeEach(async () => {
  api = createFakeApi();
  api.handle('sessions.list', two);
  api.handle('sessions.markSeen', () => null);
  presence = fakePresence();
  doc = { title: '' };
  focusedWindow = 0;
  reported = [];
  store = new SessionStore(api);
  await settle();
});
afterEach(() => {
  attention?.dispose();
  store.dispose();
});

describe('attention in the window', () => {
  it('says in the title how many sessions need you', () => {
    make();
    expect(doc.title).toBe('Clave');
    api.emit('session.updated', summary({ id: 'aaaa1111', agent: agent('needs-input') }, 'shop'));
    expect(doc.title).toBe('Clave — 1 needs you');
    api.emit('session.updated', summary({ id: 'bbbb2222', agent: agent('needs-input') }, 'blog'));
    expect(doc.title).toBe('Clave — 2 need you');
    api.emit('session.updated', summary({ id: 'aaaa1111', agent: agent('working') }, 'shop'));
    api.emit('session.updated', summary({ id: 'bbbb2222', agent: agent('idle') }, 'blog'));
    expect(doc.title).toBe('Clave');
  });

  it('marks a session seen once it is shown in a visible page, once per unread report', async () => {
    make();
    attention.setShown('aaaa1111');
    api.emit('session.updated', summary({ id: 'bbbb2222', unread: true, agent: agent('idle') }));
    expect(api.callsOf('sessions.markSeen')).toEqual([]);
    expect(attention.isUnread(store.getSnapshot().sessions[1]!)).toBe(true);

    presence.set(false, false);
    attention.setShown('bbbb2222');
    expect(api.callsOf('sessions.markSeen')).toEqual([]);
    presence.set(true, false);
    expect(api.callsOf('sessions.markSeen')).toEqual([{ id: 'bbbb2222' }]);
    // Nothing new from the host: not asked again, however often the window changes.
    attention.setShown('aaaa1111');
    attention.setShown('bbbb2222');
    expect(api.callsOf('sessions.markSeen')).toHaveLength(1);
    // The host reports it unread again while it is on screen (a new state): seen at once.
    api.emit('session.updated', summary({ id: 'bbbb2222', unread: true, agent: agent('working') }));
    expect(api.callsOf('sessions.markSeen')).toHaveLength(2);
    // A failing call leaves the mark and is not repeated for the same report.
    api.fail('sessions.markSeen', { what: 'not built' });
    api.emit('session.updated', summary({ id: 'bbbb2222', unread: true, agent: agent('idle') }));
    await settle();
    presence.set(true, true);
    attention.setShown('bbbb2222');
    expect(api.callsOf('sessions.markSeen')).toHaveLength(3);
    expect(attention.isUnread(store.getSnapshot().sessions[1]!)).toBe(false); // on screen
  });

  it('lights the unread mark on agent output for a session not on screen', () => {
    make();
    attention.setShown('aaaa1111');
    const [shop, blog] = store.getSnapshot().sessions;
    attention.agentOutput('aaaa1111');
    attention.agentOutput('bbbb2222');
    expect(attention.isUnread(shop!)).toBe(false);
    expect(attention.isUnread(blog!)).toBe(true);
    // Hidden page: nothing is on screen, so output there is unread too.
    presence.set(false, false);
    attention.agentOutput('aaaa1111');
    expect(attention.isUnread(shop!)).toBe(true);
    presence.set(true, true);
    expect(attention.isUnread(shop!)).toBe(false);
    attention.setShown('bbbb2222');
    expect(attention.isUnread(blog!)).toBe(false);
    expect(attention.getSnapshot().outputUnread.size).toBe(0);
  });
});

describe('notifications in the browser demo', () => {
  it('notifies when allowed; a click brings the window to that session and its terminal', () => {
    const notifier = recordingNotifier();
    make({ notifier });
    attention.setShown('aaaa1111');
    api.emit('session.attention', {
      sessionId: 'bbbb2222',
      projectName: 'blog',
      state: 'needs-input',
      detail: 'Claude needs your permission to use Bash',
    });
    expect(notifier.shown.map(({ click: _, ...n }) => n)).toEqual([
      {
        title: 'blog needs you',
        body: 'Claude needs your permission to use Bash',
        tag: 'clave-bbbb2222',
      },
    ]);
    notifier.shown[0]!.click();
    expect(focusedWindow).toBe(1);
    const state = store.getSnapshot();
    expect(state.selectedId).toBe('bbbb2222');
    const tabs = state.tabs['bbbb2222']!;
    expect(tabs.tabs.find((t) => t.key === tabs.active)?.kind).toBe('agent');
  });

  it('stays quiet for the session on screen in a focused window, and for events turned off', () => {
    const notifier = recordingNotifier();
    make({ notifier });
    attention.setShown('aaaa1111');
    const idle = {
      sessionId: 'aaaa1111',
      projectName: 'shop',
      state: 'idle',
      detail: null,
    } as const;
    api.emit('session.attention', idle);
    expect(notifier.shown).toEqual([]);
    presence.set(true, false); // on screen, but the person works elsewhere
    api.emit('session.attention', idle);
    expect(notifier.shown).toHaveLength(1);
    api.emit('settings.changed', {
      file: '/x/settings.json',
      settings: Settings.parse({ notifications: { idle: false } }),
      fileValues: {},
      overrides: [],
    });
    api.emit('session.attention', idle);
    api.emit('session.attention', { ...idle, state: 'exited' });
    api.emit('session.attention', { ...idle, state: 'working' });
    expect(notifier.shown).toHaveLength(1);
  });

  it('follows the host settings read when the connection opens', async () => {
    api.handle('settings.get', () => ({
      file: '/x/settings.json',
      settings: Settings.parse({ notifications: { needsInput: false } }),
      fileValues: {},
      overrides: [],
    }));
    const notifier = recordingNotifier();
    make({ notifier });
    await settle();
    api.emit('session.attention', {
      sessionId: 'bbbb2222',
      projectName: 'blog',
      state: 'needs-input',
      detail: null,
    });
    expect(notifier.shown).toEqual([]);
  });

  it('shows an in-page notice that leads to the session when notifications are not allowed', () => {
    make({ notifier: recordingNotifier('denied') });
    attention.setShown('aaaa1111');
    api.emit('session.attention', {
      sessionId: 'bbbb2222',
      projectName: 'blog',
      state: 'needs-input',
      detail: 'Do you want to proceed?',
    });
    expect(store.getSnapshot().notices).toMatchObject([
      {
        level: 'warn',
        text: 'blog needs you',
        detail: 'Do you want to proceed?',
        sessionId: 'bbbb2222',
      },
    ]);
    // A newer event replaces the session's notice; none for the session on screen.
    api.emit('session.attention', {
      sessionId: 'bbbb2222',
      projectName: 'blog',
      state: 'idle',
      detail: null,
    });
    presence.set(true, false);
    api.emit('session.attention', {
      sessionId: 'aaaa1111',
      projectName: 'shop',
      state: 'idle',
      detail: null,
    });
    expect(store.getSnapshot().notices.map((n) => [n.text, n.level])).toEqual([
      ['blog finished its turn', 'info'],
    ]);
    // Once the person looks at that session, its notice goes.
    attention.setShown('bbbb2222');
    expect(store.getSnapshot().notices).toEqual([]);
  });

  it('asks for permission only when told to (a click), and remembers the answer', async () => {
    const notifier = recordingNotifier('default');
    make({ notifier });
    expect(attention.getSnapshot().permission).toBe('default');
    await attention.requestPermission();
    expect(attention.getSnapshot().permission).toBe('granted');
  });
});

describe('in the app', () => {
  it('leaves notifications to main and tells it which session the window shows', () => {
    make({ notifier: null, desktop: true });
    expect(attention.getSnapshot().permission).toBeNull();
    attention.setShown('aaaa1111');
    presence.set(true, false);
    presence.set(true, true);
    attention.setShown(null);
    expect(reported).toEqual([null, 'aaaa1111', 'aaaa1111', 'aaaa1111', null]);
    api.emit('session.attention', {
      sessionId: 'bbbb2222',
      projectName: 'blog',
      state: 'needs-input',
      detail: null,
    });
    expect(store.getSnapshot().notices).toEqual([]);
  });
});

describe('the browser notifier', () => {
  it('shows a notification only when granted, and a click runs once and closes it', () => {
    const made: { title: string; options: NotificationOptions; closed: boolean }[] = [];
    let permission: NotificationPermission = 'default';
    class Recording {
      static get permission() {
        return permission;
      }
      static requestPermission = async () => (permission = 'granted');
      onclick: (() => void) | null = null;
      entry: (typeof made)[number];
      constructor(title: string, options: NotificationOptions) {
        this.entry = { title, options, closed: false };
        made.push(this.entry);
        Recording.instances.push(this);
      }
      static instances: Recording[] = [];
      close() {
        this.entry.closed = true;
      }
    }
    const n = browserNotifier(Recording as never);
    let clicks = 0;
    n.show({ title: 't', body: 'b', tag: 'clave-x' }, () => void clicks++);
    expect(made).toEqual([]);
    permission = 'granted';
    n.show({ title: 't', body: 'b', tag: 'clave-x' }, () => void clicks++);
    expect(made).toEqual([{ title: 't', options: { body: 'b', tag: 'clave-x' }, closed: false }]);
    Recording.instances[0]!.onclick!();
    expect(clicks).toBe(1);
    expect(made[0]!.closed).toBe(true);
    expect(browserNotifier(undefined).permission()).toBe('unsupported');
  });
});
