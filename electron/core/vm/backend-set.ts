// The Backends of this host: Tart always, Orchard once a controller is configured (settings and
// the secret store, or the environment). Each runtime is made once and kept, so every session on
// a backend shares its connections.
import type { BackendKind } from '../../../shared/settings';
import { HostError } from '../host/errors';
import type { Backends } from './backends';
import type { VmRuntime } from './runtime';

/** A runtime that exists only while it is configured (Orchard's controller and credentials). */
export interface OptionalBackend {
  /** A URL, an account and its token are known now. */
  configured(): boolean;
  /** Throws a HostError (what / why / fix) when it cannot be used. */
  runtime(): VmRuntime;
}

/** Why Orchard cannot be used, and how to make it usable: said once, wherever it is asked for. */
export function orchardNotConfigured(): HostError {
  return new HostError({
    code: 'orchard.not-configured',
    what: 'Orchard is chosen but no controller is configured',
    why: 'This session runs on Orchard (by `--backend`, the project’s .clave.json or the setting backend.kind), and Clave knows no controller URL, service account and token.',
    fix: 'Connect once with `clave orchard connect …` (the token goes to the secret store), or set CLAVE_ORCHARD_URL and CLAVE_ORCHARD_ACCOUNT (name:token). Or run it on this Mac: `--backend tart`.',
  });
}

export function createBackends(tart: VmRuntime, orchard: OptionalBackend | null): Backends {
  return {
    runtime(kind: BackendKind): VmRuntime {
      if (kind === 'tart') return tart;
      if (!orchard?.configured()) throw orchardNotConfigured();
      return orchard.runtime();
    },
    available(): BackendKind[] {
      return orchard?.configured() ? ['tart', 'orchard'] : ['tart'];
    },
  };
}
