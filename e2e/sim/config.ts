// Settings of the simulated VM host, read from the environment. Everything here is sim-only:
// the real `tart` ignores these variables, so tests can set them unconditionally.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  MAC_PROFILE,
  NO_GUEST_DELAYS,
  profileName,
  type GuestTiming,
  type ProfileName,
} from './profile';

/** e2e/sim (this folder; bin/launch.mjs names it when running a bundle from elsewhere). */
export const SIM_DIR =
  process.env.TART_SIM_SOURCE_DIR ||
  fileURLToPath(new URL('.', import.meta.url)).replace(/\/$/, '');
/** The repository root (holds node_modules; bind-mounted read-only into every guest). */
export const REPO_DIR = resolve(SIM_DIR, '..', '..');

/** Tart's shared NAT network (vmnet's default), reproduced on a Linux bridge. */
export const SUBNET_PREFIX = '192.168.64';
export const GATEWAY_IP = `${SUBNET_PREFIX}.1`;
/** Every host-side object the simulator creates carries this prefix, so `reset` can find it. */
export const NAME_PREFIX = 'tsim';
export const BRIDGE_NAME = `${NAME_PREFIX}0`;

/** Where the repository appears inside every guest (read-only). */
export const GUEST_REPO_DIR = '/opt/tart-sim';

export interface SimSettings {
  /** Host-wide runtime state: leases, IP reservations, per-VM run dirs, compiled helpers. */
  runDir: string;
  /** From `tart run` until the guest "has booted": its DHCP lease appears (`tart ip` answers). */
  bootDelayMs: number;
  /** From the lease until sshd listens on port 22 (as on a Mac, the IP comes first). */
  sshdDelayMs: number;
  /** `tart ip --wait` polls this often (real Tart: 1 s). */
  ipPollMs: number;
  /** What `tart --version` prints. */
  version: string;
  /** The timing profile (profile.ts): it decides the delays above and the guest's. */
  profile: ProfileName;
  /** What the guest's stand-ins take; the guest reads it from GUEST_TIMING_FILE. */
  guest: GuestTiming;
}

function intFromEnv(env: NodeJS.ProcessEnv, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0)
    throw new Error(`${key} must be a non-negative number, got '${raw}'`);
  return Math.floor(n);
}

export function simSettings(env: NodeJS.ProcessEnv = process.env): SimSettings {
  const profile = profileName(env);
  const common = {
    runDir: env.TART_SIM_RUN_DIR || '/run/tart-sim',
    version: env.TART_SIM_VERSION || '2.35.0',
    profile,
  };
  if (profile === 'mac') return { ...common, ...MAC_PROFILE.host, guest: MAC_PROFILE.guest };
  return {
    ...common,
    bootDelayMs: intFromEnv(env, 'TART_SIM_BOOT_DELAY_MS', 2000),
    sshdDelayMs: intFromEnv(env, 'TART_SIM_SSHD_DELAY_MS', 700),
    ipPollMs: intFromEnv(env, 'TART_SIM_IP_POLL_MS', 1000),
    guest: NO_GUEST_DELAYS,
  };
}

/** `$TART_HOME`, defaulting to `~/.tart` like Tart's Config.swift. */
export function tartHomeDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.TART_HOME;
  if (fromEnv) return resolve(fromEnv);
  return join(env.HOME || homedir(), '.tart');
}
