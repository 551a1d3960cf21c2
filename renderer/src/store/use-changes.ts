import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { ClaveApi } from '../../../shared/api';
import { ChangesFeed, type ChangesState } from './changes';

/** A session's changes while the calling component is mounted (the watch ends with it). */
export function useChanges(api: ClaveApi, sessionId: string): [ChangesState, ChangesFeed] {
  const feed = useMemo(() => new ChangesFeed(api, sessionId), [api, sessionId]);
  useEffect(() => {
    feed.open();
    return () => feed.close();
  }, [feed]);
  return [useSyncExternalStore(feed.subscribe, feed.getSnapshot), feed];
}
