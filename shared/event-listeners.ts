// The listener registry behind every ClaveApi's `on`: one per face and transport.
import type { ClaveApi, EventName, EventPayload } from './api';

export interface EventListeners {
  on: ClaveApi['on'];
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
}

export function createEventListeners(): EventListeners {
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  return {
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: never) => void);
      return () => void set.delete(listener as (payload: never) => void);
    },
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) l(payload as never);
    },
  };
}
