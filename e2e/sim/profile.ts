// Timing profiles of the simulated host, chosen with CLAVE_SIM_PROFILE. `fast` (the default) is
// what tests want: the TART_SIM_*_MS variables (the harness sets short ones) and guest programs
// that take no time. `mac` is what a Mac is assumed to take — ASSUMPTIONS, to be corrected from
// the real timings recorded with docs/macos-acceptance.md — for the bench and the demo. A profile
// is a whole set: under `mac` the TART_SIM_*_MS variables are ignored (the harness always sets
// them); per-VM faults such as `slow-boot` still apply.

export const PROFILE_ENV = 'CLAVE_SIM_PROFILE';
export const PROFILE_NAMES = ['fast', 'mac'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

/** What `tart run` waits (host side). */
export interface HostTiming {
  /** From `tart run` until the lease appears (`tart ip` answers). */
  bootDelayMs: number;
  /** From the lease until sshd listens. */
  sshdDelayMs: number;
  /** `tart ip --wait` poll interval. */
  ipPollMs: number;
}

/** What the guest's stand-ins take (read in the guest from GUEST_TIMING_FILE). */
export interface GuestTiming {
  /** `composer install`, per package downloaded (not in the Composer cache). */
  composerNetworkMsPerPackage: number;
  /** `composer install`, per package extracted from the Composer cache. */
  composerCacheMsPerPackage: number;
  /** From `claude` starting until its first output. */
  claudeStartMs: number;
}

export const NO_GUEST_DELAYS: GuestTiming = {
  composerNetworkMsPerPackage: 0,
  composerCacheMsPerPackage: 0,
  claudeStartMs: 0,
};

/** The Mac-like profile (issue 15): assumed, not measured. */
export const MAC_PROFILE: { host: HostTiming; guest: GuestTiming } = {
  // Ubuntu on Apple Silicon: ~10 s to an address, sshd about a second later.
  host: { bootDelayMs: 10_000, sshdDelayMs: 1_000, ipPollMs: 1_000 },
  // A 100-package lock: ~25 s from Packagist, ~2 s from a warm cache.
  guest: { composerNetworkMsPerPackage: 250, composerCacheMsPerPackage: 20, claudeStartMs: 1_500 },
};

/** The profile the environment chooses; an unknown name is an error, not a silent default. */
export function profileName(env: NodeJS.ProcessEnv = process.env): ProfileName {
  const raw = env[PROFILE_ENV];
  if (raw === undefined || raw === '') return 'fast';
  if ((PROFILE_NAMES as readonly string[]).includes(raw)) return raw as ProfileName;
  throw new Error(`${PROFILE_ENV} must be one of ${PROFILE_NAMES.join(', ')}, got '${raw}'`);
}

/** Where every guest finds its timing (written by the guest's PID 1 at boot; /run is per boot). */
export const GUEST_TIMING_FILE = '/run/tart-sim/timing.json';
/** Every delay a guest stand-in took, one line each (`<what> <ms>`), so tests see what it did. */
export const GUEST_DELAYS_LOG = '/run/tart-sim/delays.log';
