// Which VM runtime a session uses: this Mac's Tart, or an Orchard controller's workers. A session
// keeps the backend it started with (its record says which), so teardown, re-attach and cleanup
// after a crash reach its VM through the same runtime.
import type { BackendKind } from '../../../shared/settings';
import type { VmRuntime } from './runtime';

export interface Backends {
  /**
   * The runtime for `kind`; throws a HostError (what / why / fix) when it cannot be used, e.g.
   * Orchard without a controller URL, account or token.
   */
  runtime(kind: BackendKind): VmRuntime;
  /** The kinds usable now (Tart always; Orchard once configured): what cleanup looks through. */
  available(): BackendKind[];
}
