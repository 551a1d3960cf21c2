// How a provision fails: one error type naming the phase, what to do, and the run's log.
import { HostError } from '../host/errors';
import type { VmExit } from '../vm/runtime';
import type { ProvisionPhase } from './options';

export type ProvisionErrorCode =
  | 'provision.invalid-input'
  | 'provision.busy'
  | 'provision.base-missing'
  | 'provision.base-running'
  | 'provision.clone-failed'
  | 'provision.configure-failed'
  | 'provision.boot-failed'
  | 'provision.vm-stopped'
  | 'provision.connect-failed'
  | 'provision.mount-failed'
  | 'provision.script-failed'
  | 'provision.shutdown-failed'
  | 'provision.finalize-failed'
  | 'provision.aborted';

export class ProvisionError extends HostError<ProvisionErrorCode> {
  /** Where it failed. */
  readonly phase: ProvisionPhase;
  /** The full log of the run (null if it failed before the log existed). */
  readonly logFile: string | null;
  /** The script section that failed, for `provision.script-failed`. */
  readonly step: string | undefined;

  constructor(
    init: ConstructorParameters<typeof HostError<ProvisionErrorCode>>[0] & {
      phase: ProvisionPhase;
      logFile?: string | null;
      step?: string;
    },
  ) {
    super(init);
    this.phase = init.phase;
    this.logFile = init.logFile ?? null;
    this.step = init.step;
  }
}

/** The temporary VM ended on its own: the reason the run is aborted. */
export class VmStoppedError extends Error {
  constructor(exit: VmExit) {
    super(
      exit.error
        ? `${exit.error.what}: ${exit.error.why}`
        : `The VM stopped unexpectedly (exit ${exit.code ?? 'unknown'})`,
    );
  }
}

export function invalidInput(issues: string[]): ProvisionError {
  return new ProvisionError({
    code: 'provision.invalid-input',
    phase: 'prepare',
    what: 'Invalid provisioning settings',
    why: issues.join('; '),
    fix: 'Correct the settings named above and run the provision again.',
  });
}

const CODES: Record<ProvisionPhase, ProvisionErrorCode> = {
  prepare: 'provision.clone-failed',
  clone: 'provision.clone-failed',
  configure: 'provision.configure-failed',
  boot: 'provision.boot-failed',
  connect: 'provision.connect-failed',
  mount: 'provision.mount-failed',
  script: 'provision.script-failed',
  shutdown: 'provision.shutdown-failed',
  finalize: 'provision.finalize-failed',
};

/** An unexpected failure in `phase` as a ProvisionError (what: by phase; why: from the cause). */
export function phaseError(
  phase: ProvisionPhase,
  what: string,
  error: unknown,
  logFile: string | null,
): ProvisionError {
  const host = error instanceof HostError ? error : null;
  return new ProvisionError({
    code: CODES[phase],
    phase,
    what,
    why: host ? `${host.what}: ${host.why}` : messageOf(error),
    fix: host?.fix ?? `See the log (${logFile}) and run the provision again.`,
    ...(host?.detail === undefined ? {} : { detail: host.detail }),
    logFile,
    cause: error,
  });
}

/** Every failure after the log exists points at it (the CLI and the app show `fix`). */
export function withLogHint(error: ProvisionError): ProvisionError {
  if (error.logFile === null || error.fix.includes(error.logFile)) return error;
  return new ProvisionError({
    code: error.code,
    phase: error.phase,
    what: error.what,
    why: error.why,
    fix: `${error.fix} Full log: ${error.logFile}`,
    ...(error.detail === undefined ? {} : { detail: error.detail }),
    ...(error.step === undefined ? {} : { step: error.step }),
    logFile: error.logFile,
    cause: error.cause ?? error,
  });
}

export function messageOf(error: unknown): string {
  if (error instanceof HostError) return `${error.what}: ${error.why}`;
  return error instanceof Error ? error.message : String(error);
}
