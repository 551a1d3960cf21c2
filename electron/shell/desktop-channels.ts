// IPC the window needs beyond the session API, and only in the app: the tray asking the window
// to show a session ("Open Terminal"). Main → renderer only; nothing here reaches the host.
export const DesktopChannel = {
  focusSession: 'clave:focus-session',
} as const;
