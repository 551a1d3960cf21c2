// The settings screen: where the settings live, the form, and the doctor. The same screen in the
// app (the tray's Settings…) and the browser demo (the header's Settings button, #settings).
import { useEffect, useState } from 'react';
import type { ClaveApi, DoctorCheck, SettingsView } from '../../../shared/api';
import { problemOf } from '../store/problem';
import { BaseImagePanel } from './BaseImagePanel';
import { DoctorPanel } from './DoctorPanel';
import { OrchardPanel } from './OrchardPanel';
import { SettingsForm } from './SettingsForm';
import './settings.css';

export function SettingsScreen({
  api,
  online = true,
  onClose,
  onDoctor,
}: {
  api: ClaveApi;
  /** Whether the host is reachable; nothing is asked of it before. */
  online?: boolean;
  onClose(): void;
  onDoctor?(checks: DoctorCheck[]): void;
}) {
  const [view, setView] = useState<SettingsView | null>(null);
  const [error, setError] = useState<string | null>(null);
  // A provision changes what the doctor finds: it runs again after one.
  const [doctorRun, setDoctorRun] = useState(0);
  // Saves from another face (another window, the demo in a second tab) show here too.
  useEffect(() => api.on('settings.changed', setView), [api]);
  useEffect(() => {
    if (online)
      api.call('settings.get', {}).then(setView, (e: unknown) => setError(problemOf(e).what));
  }, [api, online]);
  const openFile =
    typeof window !== 'undefined' ? window.claveDesktop?.openSettingsFile : undefined;

  return (
    <section className="settings-screen" role="region" aria-label="Settings and doctor">
      <div className="settings-header">
        <h2>Settings</h2>
        <button type="button" onClick={onClose}>
          Back to sessions
        </button>
      </div>
      <p className="settings-note">
        Changes apply to sessions started afterwards; running sessions keep the settings they
        started with.
      </p>
      {view && (
        <p className="settings-file dim">
          Stored in <code>{view.file}</code>
          {openFile && (
            <>
              {' · '}
              <button type="button" className="link" onClick={() => openFile()}>
                Open settings.json
              </button>
            </>
          )}
        </p>
      )}
      {error && (
        <p className="field-error" role="alert">
          Could not read the settings: {error}
        </p>
      )}
      {!online && <p className="dim">Connecting to the Clave host…</p>}
      {view && <SettingsForm api={api} view={view} onSaved={setView} />}
      {online && <OrchardPanel api={api} />}
      {online && <BaseImagePanel api={api} onFinished={() => setDoctorRun((n) => n + 1)} />}
      {online && (
        <DoctorPanel key={doctorRun} api={api} {...(onDoctor ? { onResult: onDoctor } : {})} />
      )}
    </section>
  );
}
