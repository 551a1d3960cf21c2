// The main process's own face on the session host: the tray and the native dialogs use the same
// ClaveApi as the window and the CLI, through the same dispatcher (validated requests, Problems
// as errors), without a transport in between.
import type { ClaveApi } from '../../shared/api';
import { createEventListeners } from '../../shared/event-listeners';
import { ApiError } from '../../shared/protocol';
import type { Broadcast } from '../core/api/connection';
import type { Client, Dispatch } from '../core/api/dispatch';
import { toProblem } from '../core/problem';

export function createLocalApi(
  dispatch: Dispatch,
  broadcast: Broadcast,
): { api: ClaveApi; close(): void } {
  const listeners = createEventListeners();
  const closeListeners: (() => void)[] = [];
  const client: Client = {
    id: 'main-process',
    send: (event, payload) => listeners.emit(event, payload),
    onClose: (l) => closeListeners.push(l),
  };
  const unsubscribe = broadcast.add(client);
  const api: ClaveApi = {
    call: async (method, params) => {
      try {
        return (await dispatch({ method, params }, client)) as never;
      } catch (e) {
        throw new ApiError(toProblem(e));
      }
    },
    on: listeners.on,
  };
  return {
    api,
    close: () => {
      unsubscribe();
      for (const l of closeListeners.splice(0)) l();
    },
  };
}
