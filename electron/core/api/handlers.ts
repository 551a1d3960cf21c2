// The API's methods, each mapped onto the service that owns it. No business rule lives here.
import type { AppInfo, AuthStatus, CleanupReport, DoctorCheck } from '../../../shared/api';
import type { SettingsStore } from '../config/settings-store';
import type { ProvisionRuns } from '../provision/runs';
import type { SessionHost } from '../session/session-host';
import type { ApiHandlers } from './dispatch';
import { StepAbort } from '../problem';

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
    'terminal.ack': ({ terminalId, chars }) => (t.ack(terminalId, chars), null),
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
    'pool.set': async (p) => {
      const before = s.sessions.pool.status().size;
      const result = s.settings.update({ pool: p });
      if (!result.ok) {
        throw new StepAbort({
          what: 'The pool setting was not changed',
          why: result.errors.map((e) => `${e.path}: ${e.message}`).join('; '),
          fix: result.errors[0]?.fix ?? 'Check settings.json.',
        });
      }
      // The settings change refilled the pool; a smaller pool is smaller once this answers (a
      // larger one fills in the background: `clave pool` shows it booting).
      if (p.size !== undefined && p.size < before) await s.sessions.pool.settled();
      return s.sessions.pool.status();
    },
    'changes.get': ({ id }) => s.sessions.changes.get(id),
    'changes.diff': ({ id, path }) => s.sessions.changes.diff(id, path),
    'changes.stat': ({ id, paths, width }) => s.sessions.changes.stat(id, paths ?? [], width ?? 80),
    'changes.watch': async ({ id, on }, client) => {
      await s.sessions.changeWatchers.set(client, id, on);
      return null;
    },
    'sessions.markSeen': ({ id }) => (s.sessions.markSeen(id), null),
  };
}
