// Which URLs the app may hand to the default browser: the sessions' sites only.
export function isAllowedExternalUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (url.username || url.password) return false;
  return url.hostname === '127.0.0.1' || url.hostname.endsWith('.test');
}
