// The browser's transport: the shared API over a WebSocket (the web harness serves it at /api).
// Reconnects with backoff; listeners survive reconnects. Calls made while disconnected fail at
// once with the transport's Problem, so the UI never waits on a dead socket.
import { events, type ClaveApi, type EventName } from '../../../shared/api';
import { createEventListeners } from '../../../shared/event-listeners';
import { ApiError, createRpcClient, type RpcClient } from '../../../shared/protocol';
import type { Connection, ConnectionStatus } from './connection';

const TOKEN_KEY = 'clave.token';

/**
 * The access token the host put in the page's address (`#token=…`: a fragment never goes out in
 * an HTTP request). Taken once: kept in this tab's storage, so a reload or a reconnect still has
 * it, and removed from the address, so the fragment stays free for routes (`#settings`) and the
 * token is not left on screen or in history.
 */
export function takeAccessToken(
  win: Pick<Window, 'location' | 'history' | 'sessionStorage'>,
): string {
  const parts = win.location.hash.replace(/^#/, '').split('&').filter(Boolean);
  const given = parts.find((p) => p.startsWith('token='));
  if (given !== undefined) {
    win.sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(given.slice('token='.length)));
    const rest = parts.filter((p) => p !== given).join('&');
    const { pathname, search } = win.location;
    win.history.replaceState(null, '', `${pathname}${search}${rest ? `#${rest}` : ''}`);
  }
  return win.sessionStorage.getItem(TOKEN_KEY) ?? '';
}

/** The host's WebSocket for this page: `/api` on the page's own host, with the access token. */
export function apiUrlFor(location: Pick<Location, 'protocol' | 'host'>, token: string): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/api?token=${encodeURIComponent(token)}`;
}

export function connectWebSocket(
  url: string,
  options: { WebSocketImpl?: typeof WebSocket; maxDelayMs?: number } = {},
): Connection {
  const Impl = options.WebSocketImpl ?? WebSocket;
  const maxDelay = options.maxDelayMs ?? 5000;
  const listeners = createEventListeners();
  const statusListeners = new Set<(s: ConnectionStatus) => void>();
  let status: ConnectionStatus = { state: 'connecting', epoch: 0 };
  let rpc: RpcClient | null = null;
  let delay = 250;
  let closedByUser = false;
  let socket: WebSocket | null = null;

  const setStatus = (s: ConnectionStatus) => {
    status = s;
    for (const l of statusListeners) l(s);
  };

  const open = () => {
    const ws = new Impl(url);
    // Terminal output comes as binary frames; read whole, as the bytes xterm is handed.
    ws.binaryType = 'arraybuffer';
    socket = ws;
    const client = createRpcClient((text) => ws.send(text));
    for (const name of Object.keys(events) as EventName[]) {
      client.api.on(name, (payload) => listeners.emit(name, payload));
    }
    ws.onopen = () => {
      rpc = client;
      delay = 250;
      setStatus({ state: 'open', epoch: status.epoch + 1 });
    };
    ws.onmessage = (e: MessageEvent<string | ArrayBuffer>) => client.receive(e.data);
    ws.onclose = () => {
      client.close('The connection to the Clave host closed.');
      if (rpc === client) rpc = null;
      if (closedByUser) return;
      setStatus({ state: 'closed', epoch: status.epoch });
      setTimeout(open, delay);
      delay = Math.min(delay * 2, maxDelay);
    };
  };
  open();

  const api: ClaveApi = {
    call(method, params) {
      if (!rpc) {
        return Promise.reject(
          new ApiError({
            what: 'Not connected to the Clave host',
            why: `Waiting for the host at ${new URL(url).host}.`,
            fix: 'Check that the host (npm run demo) is still running, and open the address it printed: it carries the access token.',
          }),
        );
      }
      return rpc.api.call(method, params);
    },
    on: listeners.on,
  };

  return {
    api,
    status: () => status,
    onStatus(listener) {
      statusListeners.add(listener);
      return () => void statusListeners.delete(listener);
    },
    close() {
      closedByUser = true;
      socket?.close();
    },
  };
}
