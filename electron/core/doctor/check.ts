// The doctor's check list, run concurrently: each check has its own deadline, so one tool that
// hangs (a tart waiting on a lock, a login shell stuck in its rc file) never hangs the report.
import type { DoctorCheck, DoctorStatus } from '../../../shared/api';
import type { Settings } from '../config/settings';
import type { OrchardProbe } from './orchard';

export interface CheckOutcome {
  status: DoctorStatus;
  detail: string;
  fix?: string;
}

/** What the checks look at; everything a check reads from the machine comes through here. */
export interface DoctorContext {
  settings: Settings;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  /** Host facts (the process's own unless a caller knows better). */
  platform: NodeJS.Platform;
  arch: string;
  /** Darwin's kernel release (`os.release()`), e.g. 24.1.0 on macOS 15. */
  osRelease: string;
  tart: {
    locate(): Promise<string>;
    version(): Promise<string>;
    exists(name: string): Promise<boolean>;
  };
  herd: {
    availability(): Promise<
      { available: true; binary: string } | { available: false; reason: string; fix: string }
    >;
    tld(): Promise<string>;
  };
  auth: { status(): Promise<{ method: string; source: string }> };
  /** The Orchard controller's credentials and reachability, when the host knows of Orchard. */
  orchard?: OrchardProbe;
  /** The address the VMs reach the Mac at (Tart's NAT gateway). */
  gateway: string;
  /** Addresses of the session VMs running now. */
  vmAddresses(): Promise<string[]>;
  /** Whether host:port answers from inside a running session VM; null when none runs. */
  reachableFromVm(host: string, port: number): Promise<boolean | null>;
  /** macOS files, overridable so the checks run against files a test made. */
  macFiles: { dhcpPlist: string; dhcpLeases: string };
  now(): number;
}

export interface Check {
  id: string;
  name: string;
  /** Per-check deadline; the default suits checks that run a tool once. */
  timeoutMs?: number;
  run(ctx: DoctorContext, signal: AbortSignal): Promise<CheckOutcome>;
}

export const DEFAULT_CHECK_TIMEOUT_MS = 15_000;

/** A thrown HostError (what / why / fix) is a failed check, worded as the adapter worded it. */
export function outcomeOfError(e: unknown): CheckOutcome {
  const p = e as { what?: unknown; why?: unknown; fix?: unknown; message?: unknown };
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const detail = [text(p.what) ?? text(p.message) ?? String(e), text(p.why)]
    .filter(Boolean)
    .join(': ');
  // Adapters' errors carry their fix; anything else is unexpected and worth a report.
  const fix =
    text(p.fix) ?? 'Run the doctor again; if it fails the same way, report it with this message.';
  return { status: 'fail', detail, fix };
}

export async function runChecks(
  checks: readonly Check[],
  ctx: DoctorContext,
): Promise<DoctorCheck[]> {
  return Promise.all(checks.map((c) => runOne(c, ctx)));
}

async function runOne(c: Check, ctx: DoctorContext): Promise<DoctorCheck> {
  const ms = c.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<CheckOutcome>((resolve) => {
    timer = setTimeout(() => {
      abort.abort();
      resolve({
        status: 'fail',
        detail: `No answer within ${ms / 1000} s.`,
        fix: 'Run the doctor again; if this check keeps timing out, the tool it asks is stuck (see Clave’s logs).',
      });
    }, ms);
  });
  try {
    const outcome = await Promise.race([c.run(ctx, abort.signal).catch(outcomeOfError), deadline]);
    return { id: c.id, name: c.name, ...outcome };
  } finally {
    clearTimeout(timer);
  }
}
