// The IPC manager: one invoke channel, validated by the core's dispatcher; events pushed to all windows.
import { ipcMain, type WebContents } from 'electron';
import { IpcChannel } from '../../shared/ipc-channels';

export type Dispatch = (request: unknown) => Promise<unknown>;

export function serveIpc(dispatch: Dispatch, isTrustedSender: (sender: WebContents) => boolean) {
  ipcMain.handle(IpcChannel.invoke, async (event, request: unknown) => {
    if (!isTrustedSender(event.sender)) throw new Error('IPC from an untrusted frame was refused');
    return dispatch(request);
  });
  return () => ipcMain.removeHandler(IpcChannel.invoke);
}

export function pushEvent(targets: WebContents[], name: string, payload: unknown): void {
  for (const wc of targets) if (!wc.isDestroyed()) wc.send(IpcChannel.event, { name, payload });
}
