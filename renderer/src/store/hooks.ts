import { useEffect, useState, useSyncExternalStore } from 'react';
import type { SessionStore, StoreState } from './sessions';

export function useStoreState(store: SessionStore): StoreState {
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

/** The current time, refreshed every `ms` (for elapsed times). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
