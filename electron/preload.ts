// Exposes the shared API as window.clave. Nothing else crosses into the page.
import { contextBridge, ipcRenderer } from 'electron';
import { IpcChannel } from '../shared/ipc-channels';
import type { ClaveApi, EventName } from '../shared/api';

const api: ClaveApi = {
  call: (method, params) => ipcRenderer.invoke(IpcChannel.invoke, { method, params }),
  on: (event, listener) => {
    const handler = (_e: unknown, msg: { name: EventName; payload: never }) => {
      if (msg.name === event) listener(msg.payload);
    };
    ipcRenderer.on(IpcChannel.event, handler);
    return () => ipcRenderer.removeListener(IpcChannel.event, handler);
  },
};

contextBridge.exposeInMainWorld('clave', api);
