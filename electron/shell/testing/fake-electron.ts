// A stand-in for the parts of the electron module the shell uses, recording what it is asked.
// Electron cannot run on our Linux machines; the shell stays thin so this is enough to test it.
import { EventEmitter } from 'node:events';

export class FakeWebContents extends EventEmitter {
  windowOpenHandler?: (details: { url: string }) => { action: 'allow' | 'deny' };
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }) {
    this.windowOpenHandler = handler;
  }
  /** Emits like Electron does; returns whether a listener prevented the default. */
  fire(event: string, ...args: unknown[]): boolean {
    let prevented = false;
    this.emit(event, { preventDefault: () => (prevented = true) }, ...args);
    return prevented;
  }
}

export function createFakeElectron() {
  const opened: string[] = [];
  const app = Object.assign(new EventEmitter(), {
    whenReady: () => Promise.resolve(),
    requestSingleInstanceLock: () => true,
    quit: () => {},
  });
  const session = {
    defaultSession: {
      setPermissionRequestHandler: () => {},
      webRequest: { onHeadersReceived: () => {} },
    },
  };
  const shell = { openExternal: async (url: string) => void opened.push(url) };
  return { app, session, shell, opened };
}
