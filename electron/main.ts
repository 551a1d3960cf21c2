// Composition root: builds the core, the tray, the window and the IPC transport. Thin by design;
// behaviour lives in electron/core (plain Node) and electron/shell (Electron glue).
import { app, dialog, safeStorage, shell } from 'electron';
import { autoUpdater } from 'electron-updater';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { dataDir, dataPaths } from './core/config/paths';
import { loadSettings, type Settings } from './core/config/settings';
import { createHostRuntime, type HostRuntime } from './core/compose';
import { probeLocalNetwork } from './core/host/net-probe';
import { FileSecretStore } from './core/host/secret-store';
import { appPage } from './shell/app-page';
import { notifyAttention, type AttentionNotifier } from './shell/attention-notifications';
import { endSessionWithDialog } from './shell/exit-dialog';
import { serveDesktopIpc, serveIpc } from './shell/ipc';
import { createLocalApi } from './shell/local-api';
import { watchLocalNetwork } from './shell/local-network';
import { provisionFromTray } from './shell/provision';
import { RecentProjects } from './shell/recent-projects';
import { SafeStorageSecretStore } from './shell/secret-store';
import { installSecurity, isTrustedSender } from './shell/security';
import { createSessionFolderOpener, serveSessionFolderIpc } from './shell/session-folder';
import { ensureSingleInstance } from './shell/single-instance';
import { createTray, type TrayController } from './shell/tray';
import { createTrayActions } from './shell/tray-actions';
import { startUpdateChecks } from './shell/updates';
import { liveSessions } from './shell/tray-menu';
import { createMainWindow, focusSession, showSettings, showWindow } from './shell/window';

const page = appPage({
  isPackaged: app.isPackaged,
  devServerUrl: process.env.VITE_DEV_SERVER_URL,
  rendererDir: path.join(__dirname, '..', 'renderer'),
});
let mainWindow: Electron.BrowserWindow | undefined;
let runtime: HostRuntime | undefined;
let tray: TrayController | undefined;
let notifier: AttentionNotifier | undefined;

function iconsDir(): string {
  return app.isPackaged
    ? path.join(process.resourcesPath, 'icons')
    : path.join(app.getAppPath(), 'build', 'icons');
}

function windowNow(): Electron.BrowserWindow {
  if (!mainWindow || mainWindow.isDestroyed()) {
    mainWindow = createMainWindow({ preloadPath: path.join(__dirname, 'preload.cjs'), page });
  }
  return mainWindow;
}

if (ensureSingleInstance(() => showWindow(windowNow()))) {
  installSecurity(page);

  void app.whenReady().then(async () => {
    if (process.platform === 'darwin') app.dock?.hide(); // a menu-bar app: no Dock icon
    const paths = dataPaths(dataDir());
    let settings: Settings;
    let rt: HostRuntime;
    try {
      settings = loadSettings(paths.settings);
      rt = await createHostRuntime({
        paths,
        settings,
        face: 'electron',
        version: app.getVersion(),
        secrets: new SafeStorageSecretStore(
          safeStorage,
          path.join(paths.root, 'secrets.safe.json'),
          new FileSecretStore(paths.secrets),
        ),
      });
    } catch (e) {
      // A broken settings file or data dir: say which and why, rather than a silent exit.
      dialog.showErrorBox('Clave cannot start', e instanceof Error ? e.message : String(e));
      app.exit(1);
      return;
    }
    runtime = rt;
    const trusted = (event: Electron.IpcMainInvokeEvent) =>
      isTrustedSender(event, mainWindow, page);
    serveIpc(rt.dispatch, rt.clients, trusted);
    const local = createLocalApi(rt.dispatch, rt.clients);
    const recent = new RecentProjects(path.join(paths.root, 'recent-projects.json'));

    const runProvision = () =>
      void provisionFromTray({
        api: local.api,
        dialogs: dialog,
        baseVm: rt.settings.current().baseVm,
        baseImage: rt.settings.current().baseImage,
        baseExists: () => rt.tart.exists(rt.settings.current().baseVm),
        showLogs: () => void shell.openPath(paths.logs),
        onProgress: (p) => tray?.setProvisioning(p),
      });

    const actions = createTrayActions({
      api: local.api,
      dialog,
      shell,
      app,
      launch: (file, args) =>
        new Promise((resolve, reject) =>
          execFile(file, args, (error) => (error ? reject(error) : resolve())),
        ),
      platform: process.platform,
      settingsFile: paths.settings,
      editor: () => rt.settings.current().editor,
      addRecent: (dir) => recent.add(dir),
      liveSessionCount: () =>
        liveSessions(tray?.sessions() ?? []).filter((s) => s.state !== 'failed').length,
      showWindow: () => showWindow(windowNow()),
      focusSession: (id) => focusSession(windowNow(), id),
      showSettings: () => showSettings(windowNow()),
      provision: runProvision,
      changed: () => tray?.render(),
    });
    // The session the window shows (the renderer says which), for "not the one you look at".
    let shownSession: string | null = null;
    const windowFocused = () =>
      !!mainWindow && !mainWindow.isDestroyed() && mainWindow.isVisible() && mainWindow.isFocused();
    notifier = notifyAttention({
      api: local.api,
      settings: () => rt.settings.current().notifications,
      onScreen: (id) => windowFocused() && shownSession === id,
      focusSession: (id) => focusSession(windowNow(), id),
    });
    serveDesktopIpc(trusted, {
      openSettingsFile: () => actions.openSettingsFile(),
      showingSession: (id) => {
        shownSession = id;
        if (id && windowFocused()) notifier?.withdraw(id);
      },
    });
    tray = createTray({
      iconPath: path.join(iconsDir(), 'trayTemplate.png'),
      api: local.api,
      actions,
      recentProjects: () => recent.list(),
      openAtLogin: () => app.getLoginItemSettings().openAtLogin,
    });
    serveSessionFolderIpc(trusted, createSessionFolderOpener(local.api, actions));

    // Sessions started from the window or the CLI are recent projects too.
    local.api.on('session.updated', (s) => {
      if (s.state === 'running' && recent.list()[0] !== s.projectDir) {
        recent.add(s.projectDir);
        tray?.render();
      }
    });
    watchLocalNetwork({
      api: local.api,
      platform: process.platform,
      probe: (host) => probeLocalNetwork(host),
      dialogs: dialog,
    });
    // The agent quit while nobody looks at the window: ask natively. A visible window asks itself.
    local.api.on('session.agentExited', ({ sessionId }) => {
      if (!mainWindow?.isVisible())
        void endSessionWithDialog(local.api, dialog, sessionId, 'agent-exited');
    });

    windowNow();
    startUpdateChecks({
      updater: () => autoUpdater,
      isPackaged: app.isPackaged,
      feedFile: path.join(process.resourcesPath, 'app-update.yml'),
      exists: existsSync,
      log: (line) => console.log(line),
    });
  });

  // Quit tears every session down (keeping all work) before the process goes.
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting || !runtime) return;
    event.preventDefault();
    quitting = true;
    tray?.destroy();
    notifier?.dispose();
    void runtime.shutdown().finally(() => app.exit(0));
  });

  app.on('window-all-closed', () => {
    // Sessions outlive their window; the tray keeps the app alive on macOS.
    if (process.platform !== 'darwin') app.quit();
  });
}
