// Exposes the shared API as window.clave, and desktop helpers as window.claveDesktop: the real
// path of a dropped folder (webUtils), the tray's "show this session" and "show the settings",
// opening settings.json, opening a session's copy in the editor or Finder, and telling main
// which session the window shows. Nothing else crosses
// into the page.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { IpcChannel } from '../shared/ipc-channels';
import type { ClaveApi, EventName } from '../shared/api';
import { DesktopChannel } from './shell/desktop-channels';
import type { IpcReply } from './shell/ipc';
import type { Problem } from '../shared/session';

const api: ClaveApi = {
  call: async (method, params) => {
    const reply = (await ipcRenderer.invoke(IpcChannel.invoke, { method, params })) as IpcReply;
    if (reply.ok) return reply.result as never;
    // A plain object survives the context bridge whole; the page reads what / why / fix.
    throw { ...reply.problem };
  },
  on: (event, listener) => {
    const handler = (_e: unknown, msg: { name: EventName; payload: never }) => {
      if (msg.name === event) listener(msg.payload);
    };
    ipcRenderer.on(IpcChannel.event, handler);
    return () => ipcRenderer.removeListener(IpcChannel.event, handler);
  },
};

const desktop = {
  pathForFile: (file: File): string => webUtils.getPathForFile(file),
  onFocusSession: (listener: (sessionId: string) => void): (() => void) => {
    const handler = (_e: unknown, sessionId: unknown) => {
      if (typeof sessionId === 'string') listener(sessionId);
    };
    ipcRenderer.on(DesktopChannel.focusSession, handler);
    return () => ipcRenderer.removeListener(DesktopChannel.focusSession, handler);
  },
  onShowSettings: (listener: () => void): (() => void) => {
    const handler = () => listener();
    ipcRenderer.on(DesktopChannel.showSettings, handler);
    return () => ipcRenderer.removeListener(DesktopChannel.showSettings, handler);
  },
  openSettingsFile: (): void => void ipcRenderer.invoke(DesktopChannel.openSettingsFile),
  openSessionFolder: async (sessionId: string, how: 'editor' | 'finder'): Promise<Problem | null> =>
    (await ipcRenderer.invoke(DesktopChannel.openSessionFolder, {
      sessionId,
      how,
    })) as Problem | null,
  showingSession: (sessionId: string | null): void =>
    void ipcRenderer.invoke(DesktopChannel.showingSession, sessionId),
};

contextBridge.exposeInMainWorld('clave', api);
contextBridge.exposeInMainWorld('claveDesktop', desktop);
