import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeWebContents, createFakeElectron } from './testing/fake-electron';

const fake = createFakeElectron();
vi.mock('electron', () => fake);
const { hardenWebContents, installSecurity } = await import('./security');

describe('window security', () => {
  let contents: FakeWebContents;
  beforeEach(() => {
    fake.opened.length = 0;
    contents = new FakeWebContents();
    hardenWebContents(contents as never, 'file://');
  });

  it('blocks navigation away from the app', () => {
    expect(contents.fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.fire('will-navigate', 'file:///app/index.html')).toBe(false);
  });

  it('never opens new windows; session sites go to the default browser', async () => {
    expect(contents.windowOpenHandler?.({ url: 'https://my-app-a1b2c3d4.test/' })).toEqual({
      action: 'deny',
    });
    expect(contents.windowOpenHandler?.({ url: 'file:///etc/passwd' })).toEqual({
      action: 'deny',
    });
    await Promise.resolve();
    expect(fake.opened).toEqual(['https://my-app-a1b2c3d4.test/']);
  });

  it('hardens every web contents the app creates', () => {
    installSecurity('file://');
    const created = new FakeWebContents();
    fake.app.emit('web-contents-created', {}, created);
    expect(created.fire('will-attach-webview')).toBe(true);
  });
});
