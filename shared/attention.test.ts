import { describe, expect, it } from 'vitest';
import {
  attentionNotification,
  countNeedingYou,
  needingYouFirst,
  needsYou,
  windowTitle,
} from './attention';
import { Settings } from './settings';
import { summary } from './testing/fake-api';

const since = '2026-11-30T01:00:00.000Z';
const asking = (id: string) =>
  summary({
    id,
    agent: { state: 'needs-input', since, detail: 'Claude needs your permission to use Bash' },
  });

describe('who needs you', () => {
  it('counts running sessions whose agent waits on you, nothing else', () => {
    const idle = summary({ id: 'idle0000', agent: { state: 'idle', since, detail: null } });
    const kept = summary({
      id: 'kept0000',
      state: 'kept',
      agent: { state: 'needs-input', since, detail: null },
    });
    const noAgent = summary({ id: 'none0000', agent: null });
    expect(needsYou(asking('ask00000'))).toBe(true);
    expect([idle, kept, noAgent].map(needsYou)).toEqual([false, false, false]);
    expect(countNeedingYou([idle, asking('a0000000'), kept, asking('b0000000')])).toBe(2);
  });

  it('puts sessions needing you first and keeps the others in their order', () => {
    const list = [summary({ id: 'one00000' }), asking('two00000'), summary({ id: 'three000' })];
    expect(needingYouFirst(list, (s) => s).map((s) => s.id)).toEqual([
      'two00000',
      'one00000',
      'three000',
    ]);
  });

  it('says it in the window title', () => {
    expect(windowTitle(0)).toBe('Clave');
    expect(windowTitle(1)).toBe('Clave — 1 needs you');
    expect(windowTitle(3)).toBe('Clave — 3 need you');
  });
});

describe('attention notifications', () => {
  const defaults = Settings.parse({}).notifications;
  const event = (
    state: 'needs-input' | 'idle' | 'error' | 'exited' | 'working',
    detail: string | null = null,
  ) => ({
    sessionId: 'a1b2c3d4',
    projectName: 'shop',
    state,
    detail,
  });

  it('notifies needs-input, idle and error by default, not exited nor working', () => {
    expect(
      attentionNotification(
        event('needs-input', 'Claude needs your permission to use Bash'),
        defaults,
      ),
    ).toEqual({
      title: 'shop needs you',
      body: 'Claude needs your permission to use Bash',
    });
    expect(attentionNotification(event('idle'), defaults)).toEqual({
      title: 'shop finished its turn',
      body: 'Claude is waiting for your next prompt.',
    });
    expect(attentionNotification(event('error', 'rate_limit'), defaults)?.body).toBe('rate_limit');
    expect(attentionNotification(event('exited'), defaults)).toBeNull();
    expect(attentionNotification(event('working'), defaults)).toBeNull();
  });

  it('follows the settings', () => {
    const only = { needsInput: false, idle: false, error: false, exited: true };
    expect(attentionNotification(event('needs-input'), only)).toBeNull();
    expect(attentionNotification(event('exited'), only)?.title).toBe('shop: Claude exited');
  });
});
