// The session window: created hidden, shown when ready; closing it only hides it (the tray app
// keeps running, and so do the sessions and the window's terminals) until the app quits.
import { app, BrowserWindow } from 'electron';
import { fileURLToPath } from 'node:url';
import type { AppPage } from './app-page';
import { DesktopChannel } from './desktop-channels';

export interface WindowOptions {
  preloadPath: string;
  /** The built renderer on disk, or the dev server (app-page.ts decides). */
  page: AppPage;
}

export function createMainWindow(options: WindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1100,
    height: 720,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Clave',
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  let quitting = false;
  app.once('before-quit', () => (quitting = true));
  win.on('close', (event) => {
    if (quitting) return;
    event.preventDefault();
    win.hide();
  });
  win.once('ready-to-show', () => win.show());
  if (options.page.kind === 'dev-server') void win.loadURL(options.page.url);
  else void win.loadFile(fileURLToPath(options.page.url));
  return win;
}

export function showWindow(win: BrowserWindow): void {
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

/** The tray's "Open Terminal": show the window on that session. */
export function focusSession(win: BrowserWindow, sessionId: string): void {
  showWindow(win);
  win.webContents.send(DesktopChannel.focusSession, sessionId);
}

/** The tray's "Settings…": show the window on its settings screen. */
export function showSettings(win: BrowserWindow): void {
  showWindow(win);
  win.webContents.send(DesktopChannel.showSettings);
}
