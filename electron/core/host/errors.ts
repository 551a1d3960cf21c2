/**
 * The one error shape every host adapter throws. A person reading it must learn what failed, why,
 * and what to do about it; the core shows `what`, `why` and `fix`, never a stack trace.
 *
 * `detail` carries raw tool output (stderr tails) for a "show details" view. Adapters must never
 * put secrets into any of these fields.
 */
export interface HostErrorInit<C extends string = string> {
  /** Stable machine-readable kind, e.g. `tart.vm-missing`. */
  code: C;
  /** What failed, in the user's terms: "Could not start the VM clave-a1b2". */
  what: string;
  /** Why, as precisely as we know: "Tart reports the system limit of running VMs is reached". */
  why: string;
  /** What a person can do: "Stop another VM (tart stop <name>) and try again". */
  fix: string;
  /** Raw tool output worth showing on request (already free of secrets). */
  detail?: string;
  cause?: unknown;
}

export class HostError<C extends string = string> extends Error {
  readonly code: C;
  readonly what: string;
  readonly why: string;
  readonly fix: string;
  readonly detail: string | undefined;

  constructor(init: HostErrorInit<C>) {
    super(
      `${init.what}: ${init.why}`,
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.name = new.target.name;
    this.code = init.code;
    this.what = init.what;
    this.why = init.why;
    this.fix = init.fix;
    this.detail = init.detail;
  }

  /** What the UI and the CLI render. */
  toJSON(): { code: C; what: string; why: string; fix: string; detail?: string } {
    return {
      code: this.code,
      what: this.what,
      why: this.why,
      fix: this.fix,
      ...(this.detail === undefined ? {} : { detail: this.detail }),
    };
  }
}

export function isHostError(value: unknown): value is HostError {
  return value instanceof HostError;
}

/** The last `maxChars` of tool output, trimmed, for `detail` and `why` fields. */
export function tail(text: string, maxChars = 2000): string {
  const trimmed = text.trim();
  return trimmed.length <= maxChars ? trimmed : `…${trimmed.slice(trimmed.length - maxChars)}`;
}

/** A short single-line excerpt of tool output for a `why` sentence. */
export function firstLine(text: string, maxChars = 300): string {
  const line =
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? '';
  return line.length <= maxChars ? line : `${line.slice(0, maxChars)}…`;
}
