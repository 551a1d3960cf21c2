import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startUpdateChecks, type Updater } from './updates';

/** A stand-in for electron-updater's autoUpdater: records checks, fails when told to. */
class FakeUpdater extends EventEmitter {
  checks = 0;
  failWith: Error | null = null;
  logger: Updater['logger'] = null;
  checkForUpdatesAndNotify() {
    this.checks++;
    return this.failWith ? Promise.reject(this.failWith) : Promise.resolve(null);
  }
}

function setup(o: { isPackaged: boolean; feed: boolean; failWith?: Error }) {
  const fake = new FakeUpdater();
  fake.failWith = o.failWith ?? null;
  const lines: string[] = [];
  let created = 0;
  const checks = startUpdateChecks({
    updater: () => {
      created++;
      return fake as unknown as Updater;
    },
    isPackaged: o.isPackaged,
    feedFile: '/Applications/Clave.app/Contents/Resources/app-update.yml',
    exists: (p) => o.feed && p.endsWith('app-update.yml'),
    log: (l) => lines.push(l),
    intervalMs: 1000,
  });
  return { fake, lines, checks, created: () => created };
}

afterEach(() => vi.useRealTimers());

describe('update checks', () => {
  it('are off in a build without a feed: no updater, no check, no error, one log line', () => {
    const t = setup({ isPackaged: true, feed: false });
    expect(t.checks.state).toBe('off');
    expect(t.created()).toBe(0);
    expect(t.lines).toEqual([
      'updates: off (this build has no release feed; CLAVE_UPDATE_URL was not set)',
    ]);
  });

  it('are off when not packaged (npm start), whatever files exist', () => {
    const t = setup({ isPackaged: false, feed: true });
    expect(t.checks.state).toBe('off');
    expect(t.created()).toBe(0);
  });

  it('check at start and then on the interval when the build has a feed', () => {
    vi.useFakeTimers();
    const t = setup({ isPackaged: true, feed: true });
    expect(t.checks.state).toBe('on');
    expect(t.fake.checks).toBe(1);
    vi.advanceTimersByTime(2500);
    expect(t.fake.checks).toBe(3);
    t.checks.stop();
    vi.advanceTimersByTime(5000);
    expect(t.fake.checks).toBe(3);
  });

  it('log a failed check (offline, bad feed) instead of throwing or showing it', async () => {
    const t = setup({
      isPackaged: true,
      feed: true,
      failWith: new Error('net::ERR_INTERNET_DISCONNECTED'),
    });
    t.fake.emit('error', new Error('HttpError: 404'));
    t.fake.logger?.warn('slow feed');
    await vi.waitFor(() =>
      expect(t.lines).toContain('updates: check failed: net::ERR_INTERNET_DISCONNECTED'),
    );
    expect(t.lines).toEqual([
      'updates: on (feed in /Applications/Clave.app/Contents/Resources/app-update.yml)',
      'updates: check failed: HttpError: 404',
      'updates: warn: slow feed',
      'updates: check failed: net::ERR_INTERNET_DISCONNECTED',
    ]);
    t.checks.stop();
  });
});
