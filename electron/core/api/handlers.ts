// The API's methods, each mapped onto the service that owns it. No business rule lives here.
import type { AppInfo, AuthStatus, CleanupReport, DoctorCheck } from '../../../shared/api';
import type { SettingsStore } from '../config/settings-store';
import type { ProvisionRuns } from '../provision/runs';
import type { SessionHost } from '../session/session-host';
import type { OrchardService } from '../vm/orchard/credentials';
import type { ApiHandlers } from './dispatch';

export interface AuthService {
  status(): Promise<AuthStatus>;
  clear(): Promise<void>;
}

export interface HandlerServices {
  info: () => AppInfo;
  sessions: SessionHost;
  auth: AuthService;
  doctor: () => Promise<DoctorCheck[]>;
  settings: Pick<SettingsStore, 'view' | 'update'>;
  provisions: Pick<ProvisionRuns, 'start' | 'cancel'>;
  orchard: Pick<OrchardService, 'status' | 'connect' | 'disconnect'>;
}

export function createApiHandlers(s: HandlerServices): ApiHandlers {
  const t = s.sessions.terminals;
  return {
    'app.info': () => s.info(),
    'sessions.list': () => s.sessions.list(),
    'sessions.get': ({ id }) => s.sessions.get(id),
    'sessions.start': (p) => s.sessions.start(p),
    'sessions.exitInfo': ({ id }) => s.sessions.exitInfo(id),
    'sessions.stop': ({ id, onExit, force, squash, message }) =>
      s.sessions.stop(id, onExit, force, {
        ...(squash === undefined ? {} : { squash }),
        ...(message === undefined ? {} : { message }),
      }),
    'sessions.resume': (p) => s.sessions.resume(p),
    'sessions.cleanup': ({ dryRun }): Promise<CleanupReport> => s.sessions.cleanup(dryRun ?? false),
    'terminal.open': async (p, client) => ({
      terminalId: await s.sessions.openTerminal(client, p),
    }),
    'terminal.write': ({ terminalId, data }) => (t.write(terminalId, data), null),
    'terminal.resize': ({ terminalId, cols, rows }) => (t.resize(terminalId, cols, rows), null),
    'terminal.ack': ({ terminalId, bytes }) => (t.ack(terminalId, bytes), null),
    'terminal.close': ({ terminalId }) => (t.close(terminalId), null),
    'auth.status': () => s.auth.status(),
    'auth.clear': async () => (await s.auth.clear(), null),
    'doctor.run': () => s.doctor(),
    'settings.get': () => s.settings.view(),
    'settings.update': ({ patch }) => s.settings.update(patch),
    // The core's result is the wire's plus local facts; the dispatcher's schema strips those.
    'provision.start': (p) => s.provisions.start(p),
    'provision.cancel': () => ({ cancelled: s.provisions.cancel() }),
    'pool.get': () => s.sessions.pool.status(),
    'pool.set': (p) => s.sessions.pool.resize(p, s.settings),
    'changes.get': ({ id }) => s.sessions.changes.get(id),
    'changes.diff': ({ id, path }) => s.sessions.changes.diff(id, path),
    'changes.stat': ({ id, paths, width }) => s.sessions.changes.stat(id, paths ?? [], width ?? 80),
    'changes.watch': async ({ id, on }, client) => {
      await s.sessions.changeWatchers.set(client, id, on);
      return null;
    },
    'sessions.markSeen': ({ id }) => (s.sessions.markSeen(id), null),
    'sessions.sync': ({ id }) => s.sessions.syncNow(id),
    'orchard.status': ({ probe }) => s.orchard.status({ probe: probe ?? false }),
    'orchard.connect': (p) => s.orchard.connect(p),
    'orchard.disconnect': () => s.orchard.disconnect(),
  };
}
