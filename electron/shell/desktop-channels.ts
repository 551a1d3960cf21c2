// IPC the window needs beyond the session API, and only in the app: the tray asking the window
// to show a session ("Open Terminal") or its settings (main → renderer), and the settings
// screen's "Open settings.json" (renderer → main, no arguments). Nothing here reaches the host.
export const DesktopChannel = {
  focusSession: 'clave:focus-session',
  /** A session's copy in the editor or Finder (renderer → main: a session id, never a path). */
  openSessionFolder: 'clave:open-session-folder',
  showSettings: 'clave:show-settings',
  openSettingsFile: 'clave:open-settings-file',
} as const;
