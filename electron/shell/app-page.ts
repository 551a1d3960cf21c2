// Which page is the app's own: the renderer's entry file, or Vite's dev server while developing.
// Navigation, redirects and IPC are allowed for this page only (security.ts).
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export type AppPage = { kind: 'file'; url: string } | { kind: 'dev-server'; url: string };

/**
 * The dev server only for an unpackaged app: in a packaged one VITE_DEV_SERVER_URL would let
 * whoever sets the environment load any page into the window, with the app's IPC.
 */
export function appPage(options: {
  isPackaged: boolean;
  devServerUrl: string | undefined;
  rendererDir: string;
}): AppPage {
  if (!options.isPackaged && options.devServerUrl) {
    return { kind: 'dev-server', url: new URL(options.devServerUrl).href };
  }
  return { kind: 'file', url: pathToFileURL(path.join(options.rendererDir, 'index.html')).href };
}

/** The renderer entry file itself (any query or #fragment), or a page of the dev server's origin. */
export function isAppUrl(url: string, page: AppPage): boolean {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  const own = new URL(page.url);
  if (page.kind === 'dev-server') return target.origin === own.origin;
  return target.protocol === 'file:' && target.host === '' && target.pathname === own.pathname;
}
