// The session window: a list of sessions on the left (with the new-session field), the selected
// session on the right (progress, problems, site link, terminals), the exit decision as a modal,
// and what needs the person (attention/: unread marks, the title, notifications).
// It renders the store and forwards the user's actions; the host decides everything else.
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { AppInfo } from '../../shared/api';
import { own } from '../../shared/own';
import { windowAttention, type Attention } from './attention/attention';
import { EmptyState } from './components/EmptyState';
import { ExitDialog } from './components/ExitDialog';
import { DropOverlay, NewSessionForm } from './components/NewSession';
import { Notices } from './components/Notices';
import { SessionDetail } from './components/SessionDetail';
import { SessionList } from './components/SessionList';
import { SettingsScreen } from './settings/SettingsScreen';
import { useDoctorAlert, useSettingsRoute } from './settings/route';
import { installShortcuts, isMacPlatform } from './keyboard';
import { useBackendChoice } from './store/backend-choice';
import { useNow, useStoreState } from './store/hooks';
import type { SessionStore } from './store/sessions';

export function App({ store, attention: given }: { store: SessionStore; attention?: Attention }) {
  const state = useStoreState(store);
  // Lives as long as the store it watches (main.tsx makes one for the page).
  const [attention] = useState(() => given ?? windowAttention(store, window));
  const seen = useSyncExternalStore(attention.subscribe, attention.getSnapshot);
  const now = useNow(1000);
  const [info, setInfo] = useState<AppInfo | null>(null);
  const online = state.connection.state === 'open';
  const mod = isMacPlatform() ? '⌘' : 'Ctrl+';
  const canDrop = typeof window !== 'undefined' && window.claveDesktop !== undefined;

  useEffect(() => {
    if (!online) return;
    store.api.call('app.info', {}).then(setInfo, () => setInfo(null));
  }, [store, online, state.connection.epoch]);

  useEffect(
    () =>
      installShortcuts(window, (a) => {
        if (a.type === 'new-session') store.requestNewSession();
        else if (a.type === 'select') store.selectIndex(a.index);
        else if (a.type === 'close-tab') store.closeActiveTab();
        else if (a.type === 'find') store.setSearchOpen(true);
      }),
    [store],
  );

  const settings = useSettingsRoute(window);
  // The tray's "Open Terminal" and a notification's click show a session's terminal (the app).
  useEffect(
    () =>
      window.claveDesktop?.onFocusSession((id) => {
        settings.close();
        attention.focusSession(id);
      }),
    [attention, settings],
  );
  // First run and every start: failed doctor checks show in the header until fixed.
  const doctor = useDoctorAlert(store.api, online, state.connection.epoch);
  const backend = useBackendChoice(store.api, online, state.connection.epoch);

  const selected =
    state.sessions.find((s) => s.id === state.selectedId) ?? state.sessions[0] ?? null;
  const prompt = state.exitPrompt;
  const shownId = settings.open ? null : (selected?.id ?? null);
  useEffect(() => attention.setShown(shownId), [attention, shownId]);

  return (
    <div className="app">
      <header className="app-header">
        <h1>Clave</h1>
        <div className="app-header-actions">
          {seen.permission === 'default' && (
            <button
              type="button"
              title="Let this browser notify you when an agent needs you"
              onClick={() => void attention.requestPermission()}
            >
              Turn on notifications
            </button>
          )}
          {doctor.failed > 0 && !settings.open && (
            <button type="button" className="doctor-alert" onClick={settings.show}>
              {doctor.failed} setup problem{doctor.failed > 1 ? 's' : ''}
            </button>
          )}
          <button
            type="button"
            aria-pressed={settings.open}
            onClick={settings.open ? settings.close : settings.show}
          >
            Settings
          </button>
          <span
            className={`app-status ${state.connection.state}`}
            role="status"
            aria-label="Connection"
          >
            {online
              ? info
                ? `v${info.version} · ${info.face}`
                : 'Connecting…'
              : state.connection.state === 'connecting'
                ? 'Connecting…'
                : 'Not connected — retrying'}
          </span>
        </div>
      </header>
      <div className="app-body">
        <aside className="sidebar">
          <NewSessionForm
            onStart={(p) => void store.start(p, backend.picked)}
            starting={state.starting}
            error={state.startError}
            focusRequest={state.newSessionRequest}
            shortcut={mod}
            backend={backend}
          />
          <SessionList
            sessions={state.sessions}
            selectedId={selected?.id ?? null}
            now={now}
            onSelect={(id) => store.select(id)}
            onFocusAgent={(id) => attention.focusSession(id)}
            isUnread={(s) => attention.isUnread(s, seen)}
            shortcutPrefix={mod}
          />
          <p className="shortcuts">
            {mod}N new · {mod}1…9 switch · {mod}W close tab · {mod}F find
          </p>
        </aside>
        <main className="main">
          {state.sessions.length === 0 && <EmptyState canDrop={canDrop} />}
          {state.sessions.map((s) => (
            <SessionDetail
              key={s.id}
              api={store.api}
              store={store}
              connection={state.connection}
              view={s}
              tabs={own(state.tabs, s.id)}
              visible={s.id === selected?.id}
              searchOpen={state.searchOpen}
              now={now}
              onAgentOutput={() => attention.agentOutput(s.id)}
            />
          ))}
        </main>
        {settings.open && (
          // A new connection (epoch) reads the settings and runs the doctor afresh.
          <SettingsScreen
            key={state.connection.epoch}
            api={store.api}
            online={online}
            onClose={settings.close}
            onDoctor={doctor.update}
          />
        )}
      </div>
      <DropOverlay
        onPath={(p) => void store.start(p, backend.picked)}
        onNoPath={(name) =>
          store.notify('warn', 'This browser does not reveal the path of a dropped folder', {
            what: `Paste the full path of ${name ?? 'the folder'} into the Project folder field.`,
          })
        }
      />
      {prompt && <ExitDialog store={store} prompt={prompt} />}
      <Notices
        notices={state.notices}
        onDismiss={(id) => store.dismissNotice(id)}
        onShowSession={(id) => {
          settings.close();
          attention.focusSession(id);
        }}
      />
    </div>
  );
}
