// Whether the settings screen shows: `#settings` in the address (a route the browser demo can
// reload and link to), or the tray's Settings… in the app. And the doctor's failures at start,
// so a first run says what to fix before the first session fails on it.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ClaveApi, DoctorCheck } from '../../../shared/api';

const HASH = '#settings';

export function useSettingsRoute(win: Window): { open: boolean; show(): void; close(): void } {
  const [open, setOpen] = useState(() => win.location.hash === HASH);
  useEffect(() => {
    const sync = () => setOpen(win.location.hash === HASH);
    win.addEventListener('hashchange', sync);
    return () => win.removeEventListener('hashchange', sync);
  }, [win]);
  const show = useCallback(() => {
    win.location.hash = HASH;
    setOpen(true);
  }, [win]);
  const close = useCallback(() => {
    if (win.location.hash === HASH)
      win.history.replaceState(null, '', win.location.pathname + win.location.search);
    setOpen(false);
  }, [win]);
  useEffect(() => win.claveDesktop?.onShowSettings(show), [win, show]);
  return useMemo(() => ({ open, show, close }), [open, show, close]);
}

/** How many doctor checks failed at (re)connection, or at the doctor's last run since. */
export function useDoctorAlert(
  api: ClaveApi,
  online: boolean,
  epoch: number,
): { failed: number; update(checks: DoctorCheck[]): void } {
  const [failed, setFailed] = useState(0);
  useEffect(() => {
    if (!online) return;
    let live = true;
    api.call('doctor.run', {}).then(
      (checks) => live && setFailed(checks.filter((c) => c.status === 'fail').length),
      () => {}, // the settings screen's doctor shows why it cannot run
    );
    return () => {
      live = false;
    };
  }, [api, online, epoch]);
  const update = useCallback(
    (checks: DoctorCheck[]) => setFailed(checks.filter((c) => c.status === 'fail').length),
    [],
  );
  return useMemo(() => ({ failed, update }), [failed, update]);
}
