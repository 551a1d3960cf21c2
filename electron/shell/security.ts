// Security defaults for every web contents: navigation and redirects only to the app's own page
// (app-page.ts), no new windows, external links only to allowlisted session sites in the default
// browser, every permission denied (the window uses none: no notifications, media or clipboard
// API), and IPC only from the app's page in the window's main frame (Electron's security
// checklist: "Validate the sender of all IPC messages", by event.senderFrame).
import { app, shell, session, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { isAppUrl, type AppPage } from './app-page';
import { isAllowedExternalUrl } from './external-links';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'", // xterm.js sets inline styles on its rows
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function hardenWebContents(contents: WebContents, page: AppPage): void {
  const stayOnAppPage = (event: { url: string; preventDefault(): void }) => {
    if (!isAppUrl(event.url, page)) event.preventDefault();
  };
  contents.on('will-navigate', stayOnAppPage);
  // A server redirect during an allowed navigation is a navigation too.
  contents.on('will-redirect', stayOnAppPage);
  contents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export function installSecurity(page: AppPage): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, page));
  app.whenReady().then(() => {
    // Requests (a prompt would follow) and checks (queried silently, e.g. by
    // navigator.permissions) are separate handlers; both say no.
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) =>
      callback(false),
    );
    session.defaultSession.setPermissionCheckHandler(() => false);
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({
        responseHeaders: {
          ...details.responseHeaders,
          'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
        },
      });
    });
  });
}

/**
 * IPC is trusted from the window's own web contents, sent by its main frame (not an iframe) while
 * that frame shows the app's page.
 */
export function isTrustedSender(
  event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>,
  window: { webContents: WebContents; isDestroyed(): boolean } | undefined,
  page: AppPage,
): boolean {
  if (!window || window.isDestroyed() || event.sender !== window.webContents) return false;
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && isAppUrl(frame.url, page);
}
