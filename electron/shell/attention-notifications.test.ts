import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Settings, type NotificationSettings } from '../../shared/settings';
import { createFakeApi, summary, type FakeApi } from './testing/fake-api';
import { createFakeElectron, FakeNotification } from './testing/fake-electron';

const fake = createFakeElectron();
vi.mock('electron', () => fake);
const { notifyAttention } = await import('./attention-notifications');

let api: FakeApi;
let settings: NotificationSettings;
let onScreen: string | null;
let focused: string[];

const attention = (
  state: 'needs-input' | 'idle' | 'error' | 'exited' | 'working',
  sessionId = 'a1b2c3d4',
  detail: string | null = null,
) => api.emit('session.attention', { sessionId, projectName: 'shop', state, detail });

function start() {
  return notifyAttention({
    api,
    settings: () => settings,
    onScreen: (id) => id === onScreen,
    focusSession: (id) => void focused.push(id),
  });
}

beforeEach(() => {
  api = createFakeApi();
  settings = Settings.parse({}).notifications;
  onScreen = null;
  focused = [];
  FakeNotification.instances.length = 0;
  FakeNotification.supported = true;
});

describe('attention notifications', () => {
  it('notifies a session that needs you; a click shows its terminal', () => {
    start();
    attention('needs-input', 'a1b2c3d4', 'Claude needs your permission to use Bash');
    const [note, ...more] = FakeNotification.instances;
    expect(more).toEqual([]);
    expect(note!.options).toEqual({
      title: 'shop needs you',
      body: 'Claude needs your permission to use Bash',
    });
    expect(note!.shown).toBe(true);
    note!.click();
    expect(focused).toEqual(['a1b2c3d4']);
    expect(note!.closed).toBe(true);
  });

  it('notifies the events the settings choose, and never a working agent', () => {
    start();
    attention('idle');
    attention('error', 'b1b2c3d4', 'API Error: 529 overloaded');
    attention('exited', 'c1b2c3d4');
    attention('working', 'd1b2c3d4');
    expect(FakeNotification.instances.map((n) => n.options.title)).toEqual([
      'shop finished its turn',
      'shop: the turn failed',
    ]);
    settings = { needsInput: false, idle: false, error: false, exited: true };
    attention('needs-input', 'e1b2c3d4');
    attention('exited', 'f1b2c3d4');
    expect(FakeNotification.instances.map((n) => n.options.title).slice(2)).toEqual([
      'shop: Claude exited',
    ]);
  });

  it('stays quiet for the session on screen in the focused window', () => {
    start();
    onScreen = 'a1b2c3d4';
    attention('needs-input', 'a1b2c3d4');
    expect(FakeNotification.instances).toEqual([]);
    attention('needs-input', 'b1b2c3d4');
    expect(FakeNotification.instances).toHaveLength(1);
  });

  it('keeps one notification per session, withdrawn when the session is looked at', () => {
    const notifier = start();
    attention('needs-input');
    attention('idle');
    const [first, second] = FakeNotification.instances;
    expect(first!.closed).toBe(true);
    expect(second!.closed).toBe(false);
    notifier.withdraw('a1b2c3d4');
    expect(second!.closed).toBe(true);
    attention('idle', 'b1b2c3d4');
    notifier.dispose();
    expect(FakeNotification.instances.every((n) => n.closed)).toBe(true);
    attention('idle', 'c1b2c3d4');
    expect(FakeNotification.instances).toHaveLength(3);
  });

  it('withdraws a notification once it is no longer true (answered elsewhere, or ended)', () => {
    start();
    const since = '2026-11-25T10:01:00.000Z';
    attention('needs-input', 'a1b2c3d4');
    attention('idle', 'b1b2c3d4');
    const [asked, idle] = FakeNotification.instances;
    // The host's update that came with the event changes nothing.
    api.emit('session.updated', summary({ agent: { state: 'needs-input', since, detail: null } }));
    expect(asked!.closed).toBe(false);
    api.emit('session.updated', summary({ agent: { state: 'working', since, detail: null } }));
    expect(asked!.closed).toBe(true);
    api.emit('session.updated', summary({ id: 'b1b2c3d4', state: 'ended' }));
    expect(idle!.closed).toBe(true);
  });

  it('shows nothing where the system has no notifications', () => {
    FakeNotification.supported = false;
    start();
    attention('needs-input');
    expect(FakeNotification.instances).toEqual([]);
  });
});
