import { existsSync } from 'node:fs';

// Tests drive the system's Chromium (Debian's package); never a downloaded browser.
const candidates = [
  process.env.CHROMIUM_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

export function chromiumExecutable(): string {
  // When none exists, name the usual path: Playwright's launch error then says what is missing
  // (bin/setup installs Debian's chromium; on a Mac set CHROMIUM_PATH or install Chrome).
  return candidates.find((p): p is string => !!p && existsSync(p)) ?? '/usr/bin/chromium';
}

// Without the background-networking flags Chromium keeps dialing out, which our closed network refuses.
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
