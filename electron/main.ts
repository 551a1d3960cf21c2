// Composition root: builds the core, the window and the IPC transport. Thin by design;
// behaviour lives in electron/core (plain Node) and electron/shell (Electron glue).
import { app } from 'electron';
import path from 'node:path';
import { dataDir, dataPaths } from './core/config/paths';
import { loadSettings } from './core/config/settings';
import { createHostRuntime, type HostRuntime } from './core/compose';
import { serveIpc } from './shell/ipc';
import { installSecurity } from './shell/security';
import { ensureSingleInstance } from './shell/single-instance';
import { createMainWindow, showWindow } from './shell/window';

const devServerUrl = process.env.VITE_DEV_SERVER_URL;
const rendererDir = path.join(__dirname, '..', 'renderer');
const appOrigin = devServerUrl ?? 'file://';
let mainWindow: Electron.BrowserWindow | undefined;
let runtime: HostRuntime | undefined;

if (ensureSingleInstance(() => mainWindow && showWindow(mainWindow))) {
  installSecurity(appOrigin);

  void app.whenReady().then(async () => {
    if (process.platform === 'darwin') app.dock?.hide(); // a menu-bar app: no Dock icon
    const paths = dataPaths(dataDir());
    runtime = await createHostRuntime({
      paths,
      settings: loadSettings(paths.settings),
      face: 'electron',
      version: app.getVersion(),
    });
    serveIpc(runtime.dispatch, runtime.clients, (sender) => sender === mainWindow?.webContents);
    mainWindow = createMainWindow({
      preloadPath: path.join(__dirname, 'preload.cjs'),
      rendererDir,
      ...(devServerUrl ? { devServerUrl } : {}),
    });
  });

  // Quit tears every session down (keeping all work) before the process goes.
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting || !runtime) return;
    event.preventDefault();
    quitting = true;
    void runtime.shutdown().finally(() => app.exit(0));
  });

  app.on('window-all-closed', () => {
    // Sessions outlive their window; the tray keeps the app alive on macOS.
    if (process.platform !== 'darwin') app.quit();
  });
}
