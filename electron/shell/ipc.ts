// The IPC manager: one invoke channel into the core's dispatcher; events pushed to the sender.
// Replies are envelopes, so a refusal reaches the window as the host's whole Problem
// (what / why / fix) instead of Electron's flattened error message.
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { SessionId, type Problem } from '../../shared/session';
import { IpcChannel } from '../../shared/ipc-channels';
import type { Broadcast } from '../core/api/connection';
import type { Client, Dispatch } from '../core/api/dispatch';
import { toProblem } from '../core/problem';
import { DesktopChannel } from './desktop-channels';

export type IpcReply = { ok: true; result: unknown } | { ok: false; problem: Problem };

function clientFor(wc: WebContents): Client {
  return {
    id: `ipc-${wc.id}`,
    send: (name, payload) => {
      if (!wc.isDestroyed()) wc.send(IpcChannel.event, { name, payload });
    },
    onClose: (listener) => wc.once('destroyed', listener),
  };
}

export function serveIpc(
  dispatch: Dispatch,
  broadcast: Broadcast,
  isTrustedSender: (event: IpcMainInvokeEvent) => boolean,
) {
  const clients = new Map<number, Client>();
  ipcMain.handle(IpcChannel.invoke, async (event, request: unknown): Promise<IpcReply> => {
    if (!isTrustedSender(event)) {
      return { ok: false, problem: { what: 'IPC from an untrusted frame was refused' } };
    }
    let client = clients.get(event.sender.id);
    if (!client) {
      const id = event.sender.id;
      client = clientFor(event.sender);
      clients.set(id, client);
      const unsubscribe = broadcast.add(client);
      client.onClose(() => {
        clients.delete(id);
        unsubscribe();
      });
    }
    try {
      return { ok: true, result: await dispatch(request, client) };
    } catch (e) {
      return { ok: false, problem: toProblem(e) };
    }
  });
  return () => ipcMain.removeHandler(IpcChannel.invoke);
}

/** The window's desktop requests (no arguments, no host): only from the trusted window. */
export function serveDesktopIpc(
  isTrustedSender: (event: IpcMainInvokeEvent) => boolean,
  handlers: {
    openSettingsFile(): void;
    showingSession(id: string | null): void;
  },
) {
  ipcMain.handle(DesktopChannel.openSettingsFile, (event) => {
    if (!isTrustedSender(event)) return false;
    handlers.openSettingsFile();
    return true;
  });
  ipcMain.handle(DesktopChannel.showingSession, (event, id: unknown) => {
    const parsed = SessionId.nullable().safeParse(id);
    if (!isTrustedSender(event) || !parsed.success) return false;
    handlers.showingSession(parsed.data);
    return true;
  });
  return () => {
    ipcMain.removeHandler(DesktopChannel.openSettingsFile);
    ipcMain.removeHandler(DesktopChannel.showingSession);
  };
}
