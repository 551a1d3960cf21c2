// A second launch focuses the running app instead of starting another session host.
import { app } from 'electron';

export function ensureSingleInstance(onSecondInstance: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', onSecondInstance);
  return true;
}
