// Composition root: builds the core, the window and the IPC transport. Thin by design;
// behaviour lives in electron/core (plain Node) and electron/shell (Electron glue).
import { app } from 'electron';
import path from 'node:path';
import { createDispatcher } from './core/api/dispatch';
import { serveIpc } from './shell/ipc';
import { installSecurity } from './shell/security';
import { ensureSingleInstance } from './shell/single-instance';
import { createMainWindow, showWindow } from './shell/window';

const devServerUrl = process.env.VITE_DEV_SERVER_URL;
const rendererDir = path.join(__dirname, '..', 'renderer');
const appOrigin = devServerUrl ?? 'file://';
let mainWindow: Electron.BrowserWindow | undefined;

if (ensureSingleInstance(() => mainWindow && showWindow(mainWindow))) {
  installSecurity(appOrigin);

  const dispatch = createDispatcher({
    'app.info': () => ({
      name: 'Clave',
      version: app.getVersion(),
      platform: process.platform,
      face: 'electron',
    }),
  });

  void app.whenReady().then(() => {
    if (process.platform === 'darwin') app.dock?.hide(); // a menu-bar app: no Dock icon
    serveIpc(dispatch, (sender) => sender === mainWindow?.webContents);
    mainWindow = createMainWindow({
      preloadPath: path.join(__dirname, 'preload.cjs'),
      rendererDir,
      ...(devServerUrl ? { devServerUrl } : {}),
    });
  });

  app.on('window-all-closed', () => {
    // Sessions outlive their window; the tray keeps the app alive on macOS.
    if (process.platform !== 'darwin') app.quit();
  });
}
