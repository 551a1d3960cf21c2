// Where a new session runs, as the window offers it: nothing to choose until an Orchard controller
// is configured; then this Mac or Orchard, preselected from the setting `backend.kind`. Only a
// choice the person made is sent: otherwise the host decides (the project's .clave.json, else the
// setting), so the window never overrides a project silently.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ClaveApi } from '../../../shared/api';
import type { SessionBackend } from '../../../shared/session';

export interface BackendChoice {
  /** Orchard is configured: the choice is offered. */
  offered: boolean;
  /** What the choice shows: the person's pick, else the setting's kind. */
  shown: SessionBackend;
  /** What sessions.start gets: only a pick the person made. */
  picked: SessionBackend | undefined;
  pick(b: SessionBackend): void;
}

export function useBackendChoice(api: ClaveApi, online: boolean, epoch: number): BackendChoice {
  const [offered, setOffered] = useState(false);
  const [setting, setSetting] = useState<SessionBackend>('tart');
  const [picked, setPicked] = useState<SessionBackend | undefined>(undefined);
  useEffect(() => {
    if (!online) return;
    let live = true;
    const read = () =>
      api.call('orchard.status', {}).then(
        (st) => {
          if (!live) return;
          setOffered(st.configured);
          if (!st.configured) return setPicked(undefined);
          api.call('settings.get', {}).then(
            (v) => live && setSetting(v.settings.backend.kind),
            () => {}, // the setting's default stays shown; the host still applies the setting
          );
        },
        // Not offered: a start still reaches the host, which decides and says why it cannot.
        () => live && setOffered(false),
      );
    void read();
    // Connecting or disconnecting Orchard (settings, CLI) saves settings: read both again.
    const off = api.on('settings.changed', (v) => {
      setSetting(v.settings.backend.kind);
      void read();
    });
    return () => {
      live = false;
      off();
    };
  }, [api, online, epoch]);
  const pick = useCallback((b: SessionBackend) => setPicked(b), []);
  return useMemo(
    () => ({ offered, shown: picked ?? setting, picked: offered ? picked : undefined, pick }),
    [offered, picked, setting, pick],
  );
}
