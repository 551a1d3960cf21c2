// IPC the window needs beyond the session API, and only in the app: the tray asking the window
// to show a session ("Open Terminal") or its settings (main → renderer), the settings screen's
// "Open settings.json" (renderer → main, no arguments), and a kept session's "Open in Editor" /
// "Reveal in Finder" (renderer → main, a session id, validated there), and which session the
// window shows (renderer → main: no notification for the session the person looks at).
export const DesktopChannel = {
  focusSession: 'clave:focus-session',
  /** A session's copy in the editor or Finder (renderer → main: a session id, never a path). */
  showSettings: 'clave:show-settings',
  openSettingsFile: 'clave:open-settings-file',
  openSessionFolder: 'clave:open-session-folder',
  showingSession: 'clave:showing-session',
} as const;
