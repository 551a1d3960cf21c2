// The IPC manager: one invoke channel into the core's dispatcher; events pushed to the sender.
import { ipcMain, type WebContents } from 'electron';
import { IpcChannel } from '../../shared/ipc-channels';
import type { Broadcast } from '../core/api/connection';
import type { Client, Dispatch } from '../core/api/dispatch';

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
  isTrustedSender: (sender: WebContents) => boolean,
) {
  const clients = new Map<number, Client>();
  ipcMain.handle(IpcChannel.invoke, async (event, request: unknown) => {
    if (!isTrustedSender(event.sender)) throw new Error('IPC from an untrusted frame was refused');
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
    return dispatch(request, client);
  });
  return () => ipcMain.removeHandler(IpcChannel.invoke);
}
