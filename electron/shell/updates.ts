// Update checks with electron-updater against the release feed baked in at build time:
// electron-builder writes Resources/app-update.yml only when the build had a feed
// (CLAVE_UPDATE_URL, scripts/release-plan.ts). No feed, or not packaged: no check and no error —
// that is a valid build, not a failure. A failed check is logged, never shown as a problem.
import type { AppUpdater } from 'electron-updater';

export type Updater = Pick<AppUpdater, 'checkForUpdatesAndNotify' | 'on'> & {
  logger: AppUpdater['logger'];
};

export interface UpdateCheckOptions {
  /** Called only when checks are on, so electron-updater is never set up without a feed. */
  updater: () => Updater;
  isPackaged: boolean;
  /** `<Resources>/app-update.yml`. */
  feedFile: string;
  exists(path: string): boolean;
  log(line: string): void;
  /** Between checks after the first (default 6 h). */
  intervalMs?: number;
}

export interface UpdateChecks {
  state: 'on' | 'off';
  stop(): void;
}

export const UPDATE_INTERVAL_MS = 6 * 60 * 60 * 1000;

export function startUpdateChecks(o: UpdateCheckOptions): UpdateChecks {
  if (!o.isPackaged) {
    o.log('updates: off (not a packaged app)');
    return { state: 'off', stop: () => {} };
  }
  if (!o.exists(o.feedFile)) {
    o.log('updates: off (this build has no release feed; CLAVE_UPDATE_URL was not set)');
    return { state: 'off', stop: () => {} };
  }
  const updater = o.updater();
  const say = (level: string) => (message: unknown) => o.log(`updates: ${level}: ${message}`);
  updater.logger = { info: say('info'), warn: say('warn'), error: say('error') };
  updater.on('error', (e) => o.log(`updates: check failed: ${e.message}`));
  const check = () =>
    void updater
      .checkForUpdatesAndNotify()
      .catch((e: unknown) =>
        o.log(`updates: check failed: ${e instanceof Error ? e.message : String(e)}`),
      );
  o.log(`updates: on (feed in ${o.feedFile})`);
  check();
  const timer = setInterval(check, o.intervalMs ?? UPDATE_INTERVAL_MS);
  timer.unref?.();
  return { state: 'on', stop: () => clearInterval(timer) };
}
