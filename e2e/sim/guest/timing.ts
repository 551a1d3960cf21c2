// Guest side of the timing profile (../profile.ts): the delays this boot's profile gives the
// stand-ins, and `take`, which waits that long and logs it so a test reads what the sim did
// instead of timing it. Outside a simulated guest (no timing file) nothing waits.
import { appendFileSync, readFileSync } from 'node:fs';
import { GUEST_DELAYS_LOG, GUEST_TIMING_FILE, NO_GUEST_DELAYS, type GuestTiming } from '../profile';

export function guestTiming(file = GUEST_TIMING_FILE): GuestTiming {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return NO_GUEST_DELAYS;
  }
  const out = { ...NO_GUEST_DELAYS };
  for (const key of Object.keys(out) as Array<keyof GuestTiming>) {
    const v = (raw as Partial<Record<keyof GuestTiming, unknown>>)?.[key];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) out[key] = v;
  }
  return out;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks for `ms` (the stand-ins are synchronous programs) and logs `<what> <ms>`. */
export function take(what: string, ms: number): void {
  if (ms <= 0) return;
  Atomics.wait(sleeper, 0, 0, ms);
  try {
    appendFileSync(GUEST_DELAYS_LOG, `${what} ${ms}\n`);
  } catch {
    // Not in a simulated guest: nothing to report to.
  }
}
