// How times read in the window: step timings ("340 ms", "1.4 s") and elapsed times ("3m 04s").

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return formatElapsed(ms);
}

export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (h > 0) return `${h}h ${pad(m)}m`;
  if (m > 0) return `${m}m ${pad(s)}s`;
  return `${s}s`;
}

/** `https://my-app-a1b2c3d4.test` → `my-app-a1b2c3d4.test`. */
export function displayUrl(url: string): string {
  return url.replace(/^https?:\/\//, '').replace(/\/$/, '');
}

/** How long ago an ISO time was ("2m 04s ago"); "just now" under a second, and for a clock skew. */
export function formatAgo(iso: string, now: number): string {
  const ms = now - Date.parse(iso);
  if (Number.isNaN(ms)) return 'at an unknown time';
  return ms < 1000 ? 'just now' : `${formatElapsed(ms)} ago`;
}
