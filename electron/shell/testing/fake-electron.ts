// A stand-in for the parts of the electron module the shell uses, recording what it is asked.
// Electron cannot run on our Linux machines; the shell stays thin so this is enough to test it.
import { EventEmitter } from 'node:events';
import type { MenuItemConstructorOptions, MessageBoxOptions, OpenDialogOptions } from 'electron';

export class FakeWebContents extends EventEmitter {
  windowOpenHandler?: (details: { url: string }) => { action: 'allow' | 'deny' };
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }) {
    this.windowOpenHandler = handler;
  }
  /** Emits like Electron does; returns whether a listener prevented the default. */
  fire(event: string, ...args: unknown[]): boolean {
    let prevented = false;
    this.emit(event, { preventDefault: () => (prevented = true) }, ...args);
    return prevented;
  }
  /** will-navigate / will-redirect: the URL is on the event (and, deprecated, the 2nd argument). */
  navigate(event: 'will-navigate' | 'will-redirect', url: string): boolean {
    let prevented = false;
    this.emit(event, { url, preventDefault: () => (prevented = true) }, url);
    return prevented;
  }
}

export class FakeNativeImage {
  template = false;
  constructor(readonly path: string) {}
  setTemplateImage(template: boolean) {
    this.template = template;
  }
}

export class FakeMenu {
  constructor(readonly template: MenuItemConstructorOptions[]) {}
  /** The item with this label, searching submenus; throws when there is none. */
  item(...labels: string[]): MenuItemConstructorOptions {
    let items = this.template;
    let found: MenuItemConstructorOptions | undefined;
    for (const label of labels) {
      found = items.find((i) => i.label === label || i.label?.startsWith(label));
      if (!found)
        throw new Error(`no menu item "${label}" in ${items.map((i) => i.label).join(', ')}`);
      items = (found.submenu as MenuItemConstructorOptions[] | undefined) ?? [];
    }
    return found!;
  }
  /** Clicks an item, as a user would. */
  click(...labels: string[]): void {
    const item = this.item(...labels);
    (item.click as (() => void) | undefined)?.();
  }
}

export class FakeTray {
  static instances: FakeTray[] = [];
  menu: FakeMenu | null = null;
  title = '';
  tooltip = '';
  destroyed = false;
  constructor(readonly image: FakeNativeImage) {
    FakeTray.instances.push(this);
  }
  setContextMenu(menu: FakeMenu) {
    this.menu = menu;
  }
  setTitle(title: string) {
    this.title = title;
  }
  setToolTip(tooltip: string) {
    this.tooltip = tooltip;
  }
  destroy() {
    this.destroyed = true;
  }
}

/** Records notifications as Electron would show them; `click()` is the person clicking one. */
export class FakeNotification extends EventEmitter {
  static instances: FakeNotification[] = [];
  static supported = true;
  static isSupported() {
    return FakeNotification.supported;
  }
  shown = false;
  closed = false;
  constructor(readonly options: { title: string; body?: string }) {
    super();
    FakeNotification.instances.push(this);
  }
  show() {
    this.shown = true;
  }
  close() {
    if (this.closed) return;
    this.closed = true;
    this.emit('close', {});
  }
  click() {
    this.emit('click', {});
  }
}

/**
 * Scripted native dialogs: each showMessageBox clicks the next label given to answer() (or the
 * default button when none is left); each showOpenDialog picks the next folder (null: cancel).
 */
export class FakeDialog {
  shown: MessageBoxOptions[] = [];
  opened: OpenDialogOptions[] = [];
  folders: (string | null)[] = [];
  private labels: string[] = [];
  private checks: boolean[] = [];
  answer(...labels: string[]) {
    this.labels.push(...labels);
  }
  /** The next dialogs' checkbox states (else each keeps its checkboxChecked). */
  check(...checked: boolean[]) {
    this.checks.push(...checked);
  }
  async showMessageBox(options: MessageBoxOptions) {
    this.shown.push(options);
    const label = this.labels.shift();
    let response = options.defaultId ?? 0;
    if (label !== undefined) {
      response = (options.buttons ?? ['OK']).indexOf(label);
      if (response < 0) {
        throw new Error(`no button "${label}" in [${(options.buttons ?? []).join(', ')}]`);
      }
    }
    return { response, checkboxChecked: this.checks.shift() ?? options.checkboxChecked ?? false };
  }
  async showOpenDialog(options: OpenDialogOptions) {
    this.opened.push(options);
    const folder = this.folders.shift() ?? null;
    return { canceled: folder === null, filePaths: folder ? [folder] : [] };
  }
  reset() {
    this.shown.length = 0;
    this.opened.length = 0;
    this.folders.length = 0;
    this.labels.length = 0;
    this.checks.length = 0;
  }
}

export function createFakeElectron() {
  const opened: string[] = [];
  const revealed: string[] = [];
  const openedPaths: string[] = [];
  const loginItem = { openAtLogin: false };
  const app = Object.assign(new EventEmitter(), {
    whenReady: () => Promise.resolve(),
    requestSingleInstanceLock: () => true,
    quitCount: 0,
    quit: () => void app.quitCount++,
    getLoginItemSettings: () => ({ ...loginItem }),
    setLoginItemSettings: (s: { openAtLogin: boolean }) =>
      void (loginItem.openAtLogin = s.openAtLogin),
  });
  const permissions: {
    request?: (wc: unknown, permission: string, callback: (granted: boolean) => void) => void;
    check?: (wc: unknown, permission: string, origin: string) => boolean;
  } = {};
  const session = {
    defaultSession: {
      setPermissionRequestHandler: (h: typeof permissions.request) =>
        void (permissions.request = h),
      setPermissionCheckHandler: (h: typeof permissions.check) => void (permissions.check = h),
      webRequest: { onHeadersReceived: () => {} },
    },
  };
  const shell = {
    openExternal: async (url: string) => void opened.push(url),
    showItemInFolder: (p: string) => void revealed.push(p),
    openPath: async (p: string) => (openedPaths.push(p), ''),
  };
  const dialog = new FakeDialog();
  const Menu = {
    buildFromTemplate: (template: MenuItemConstructorOptions[]) => new FakeMenu(template),
  };
  const nativeImage = { createFromPath: (p: string) => new FakeNativeImage(p) };
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const ipcMain = {
    handlers,
    handle: (channel: string, fn: (event: unknown, ...args: unknown[]) => unknown) =>
      void handlers.set(channel, fn),
    removeHandler: (channel: string) => void handlers.delete(channel),
  };
  return {
    app,
    session,
    shell,
    dialog,
    Menu,
    Tray: FakeTray,
    Notification: FakeNotification,
    nativeImage,
    ipcMain,
    permissions,
    opened,
    revealed,
    openedPaths,
    loginItem,
  };
}
