import { beforeEach, describe, expect, it, vi } from 'vitest';
import { appPage, type AppPage } from './app-page';
import { FakeWebContents, createFakeElectron } from './testing/fake-electron';

const fake = createFakeElectron();
vi.mock('electron', () => fake);
const { hardenWebContents, installSecurity, isTrustedSender } = await import('./security');

const page: AppPage = appPage({
  isPackaged: true,
  devServerUrl: undefined,
  rendererDir: '/Applications/Clave.app/Contents/Resources/app.asar/dist/renderer',
});
const entry = 'file:///Applications/Clave.app/Contents/Resources/app.asar/dist/renderer/index.html';

describe('the app’s own page', () => {
  it('is the built renderer in a packaged app, whatever VITE_DEV_SERVER_URL says', () => {
    expect(page).toEqual({ kind: 'file', url: entry });
    expect(
      appPage({ isPackaged: true, devServerUrl: 'http://evil.example:5173/', rendererDir: '/r' }),
    ).toEqual({ kind: 'file', url: 'file:///r/index.html' });
    expect(
      appPage({ isPackaged: false, devServerUrl: 'http://localhost:5173/', rendererDir: '/r' }),
    ).toEqual({ kind: 'dev-server', url: 'http://localhost:5173/' });
  });
});

describe('window security', () => {
  let contents: FakeWebContents;
  beforeEach(() => {
    fake.opened.length = 0;
    contents = new FakeWebContents();
    hardenWebContents(contents as never, page);
  });

  it('navigates only to the renderer entry, not to any file:// page', () => {
    expect(contents.navigate('will-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.navigate('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(contents.navigate('will-navigate', 'file:///Users/me/Downloads/evil.html')).toBe(true);
    expect(contents.navigate('will-navigate', entry)).toBe(false);
    expect(contents.navigate('will-navigate', `${entry}#settings`)).toBe(false);
  });

  it('stops redirects away from the app page', () => {
    expect(contents.navigate('will-redirect', 'https://evil.example/')).toBe(true);
    expect(contents.navigate('will-redirect', 'file:///tmp/x.html')).toBe(true);
    expect(contents.navigate('will-redirect', entry)).toBe(false);
  });

  it('keeps a dev server’s pages, and only its origin, while developing', () => {
    const dev = new FakeWebContents();
    hardenWebContents(
      dev as never,
      appPage({ isPackaged: false, devServerUrl: 'http://localhost:5173/', rendererDir: '/r' }),
    );
    expect(dev.navigate('will-navigate', 'http://localhost:5173/#/x')).toBe(false);
    expect(dev.navigate('will-navigate', 'http://localhost:5174/')).toBe(true);
    expect(dev.navigate('will-navigate', 'file:///r/index.html')).toBe(true);
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

  it('hardens every web contents the app creates, and denies every permission', async () => {
    installSecurity(page);
    const created = new FakeWebContents();
    fake.app.emit('web-contents-created', {}, created);
    expect(created.fire('will-attach-webview')).toBe(true);
    expect(created.navigate('will-redirect', 'https://evil.example/')).toBe(true);
    await Promise.resolve();
    for (const permission of ['notifications', 'media', 'clipboard-read', 'geolocation']) {
      expect(fake.permissions.check?.({}, permission, 'file:///')).toBe(false);
      const granted = await new Promise((r) => fake.permissions.request?.({}, permission, r));
      expect(granted).toBe(false);
    }
  });
});

describe('trusted IPC senders', () => {
  const contents = {} as never;
  const window = { webContents: contents, isDestroyed: () => false };
  const frame = (url: string, parent: object | null = null) => ({ url, parent }) as never;

  it('trusts the window’s main frame showing the app page, and nothing else', () => {
    expect(isTrustedSender({ sender: contents, senderFrame: frame(entry) }, window, page)).toBe(
      true,
    );
    // An iframe in the window (even one showing the app's own page).
    expect(isTrustedSender({ sender: contents, senderFrame: frame(entry, {}) }, window, page)).toBe(
      false,
    );
    // The main frame after navigating elsewhere (a file:// page is not the app).
    expect(
      isTrustedSender({ sender: contents, senderFrame: frame('file:///tmp/x.html') }, window, page),
    ).toBe(false);
    // A frame that is gone, another web contents, no window.
    expect(isTrustedSender({ sender: contents, senderFrame: null }, window, page)).toBe(false);
    expect(isTrustedSender({ sender: {} as never, senderFrame: frame(entry) }, window, page)).toBe(
      false,
    );
    expect(isTrustedSender({ sender: contents, senderFrame: frame(entry) }, undefined, page)).toBe(
      false,
    );
  });
});
