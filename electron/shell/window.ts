// The session window: created hidden, shown on demand; closing it hides it (the tray app keeps running).
import { BrowserWindow } from 'electron';
import path from 'node:path';

export interface WindowOptions {
  preloadPath: string;
  /** Dev server URL, or undefined to load the built renderer from disk. */
  devServerUrl?: string;
  rendererDir: string;
}

export function createMainWindow(options: WindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1100,
    height: 720,
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
  win.once('ready-to-show', () => win.show());
  if (options.devServerUrl) void win.loadURL(options.devServerUrl);
  else void win.loadFile(path.join(options.rendererDir, 'index.html'));
  return win;
}

export function showWindow(win: BrowserWindow): void {
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}
