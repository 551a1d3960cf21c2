import type { ClaveApi } from '../../shared/api';
import type { TerminalProbe } from './terminal/registry';

declare global {
  interface Window {
    /** Present in the Electron app (preload); absent in a browser, which uses the WebSocket. */
    clave?: ClaveApi;
    /** The app's file helper (preload): the real path of a dropped folder (webUtils). */
    claveFiles?: { pathForFile(file: File): string };
    /** Read-only view of the open terminals' text, for end-to-end tests and debugging. */
    __clave?: TerminalProbe;
  }
}
