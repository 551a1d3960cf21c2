// How the renderer reaches the session host: the app's preload (window.clave, over Electron IPC)
// or, in a browser, a WebSocket to the page's own host. Everything above this sees a ClaveApi.
import type { ClaveApi } from '../../../shared/api';
import { apiUrlFor, connectWebSocket, takeAccessToken } from './websocket';

export interface ConnectionStatus {
  state: 'connecting' | 'open' | 'closed';
  /** Grows on every (re)connection: terminals re-open when it changes. */
  epoch: number;
}

export interface Connection {
  api: ClaveApi;
  status(): ConnectionStatus;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  close(): void;
}

/** A transport that is always there (the app's IPC): one epoch, never closed. */
export function fixedConnection(api: ClaveApi): Connection {
  const status: ConnectionStatus = { state: 'open', epoch: 1 };
  return { api, status: () => status, onStatus: () => () => {}, close: () => {} };
}

export function connect(win: Window = window): Connection {
  if (win.clave) return fixedConnection(win.clave);
  return connectWebSocket(apiUrlFor(win.location, takeAccessToken(win)));
}
