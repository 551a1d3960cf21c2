import type { ClaveApi } from '../../shared/api';
import type { Problem } from '../../shared/session';
import type { TerminalProbe } from './terminal/registry';

declare global {
  interface Window {
    /** Present in the Electron app (preload); absent in a browser, which uses the WebSocket. */
    clave?: ClaveApi;
    /** The app's desktop helpers (preload): a dropped folder's real path, the tray's "show". */
    claveDesktop?: {
      pathForFile(file: File): string;
      /** A session's copy in the user's editor or in Finder; resolves with why not, if not. */
      openSessionFolder(sessionId: string, how: 'editor' | 'finder'): Promise<Problem | null>;
      onFocusSession(listener: (sessionId: string) => void): () => void;
      /** The tray's Settings…: show the settings screen. */
      onShowSettings(listener: () => void): () => void;
      /** Opens settings.json in the default editor (the file itself, for what the form lacks). */
      openSettingsFile(): void;
    };
    /** Read-only view of the open terminals' text, for end-to-end tests and debugging. */
    __clave?: TerminalProbe;
  }
}
