// Public API of the provisioning module: what `clave provision`, the app's "Provision Base
// Image…" and EnsureVmExists call.
export {
  provision,
  ProvisionError,
  ProvisionOptions,
  DEFAULT_BASE_VM,
  DEFAULT_IMAGE,
  type ProvisionEvent,
  type ProvisionErrorCode,
  type ProvisionHooks,
  type ProvisionOptionsInput,
  type ProvisionOutcome,
  type ProvisionPhase,
  type ProvisionResult,
} from './flow';
export { scriptSteps, toScript, type ScriptMode, type ScriptStep } from './script';
export {
  DEFAULT_PHP_EXTENSIONS,
  ProvisionSpec,
  ProvisionSpecError,
  parseSpec,
  specHash,
  type ProvisionSpecInput,
} from './spec';
export { parseMarker, type Marker } from './markers';
export { hostDeps, type HostDepsOptions } from './host-binding';
export { provisionOptionsFrom, type ProvisionRequest } from './from-settings';
export type { ProvisionDeps } from './ports';
