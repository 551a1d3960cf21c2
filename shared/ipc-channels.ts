// The complete list of Electron IPC channels. Requests carry { method, params } from shared/api.ts.
export const IpcChannel = {
  invoke: 'clave:invoke',
  event: 'clave:event',
} as const;
