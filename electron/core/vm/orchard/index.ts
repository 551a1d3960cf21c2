// The Orchard backend's public surface (contracts/orchard.md): the runtime behind the VM seam and
// the service that knows which controller to use and as whom.
//
// In compose:  const orchard = new OrchardService({ settings, secrets, env });
//              orchardRuntime(() => settings.current(), () => orchard.credentials(),
//                             { logDir: paths.vmLogs, codeSync })
export { orchardRuntime, type OrchardRuntimeOptions } from './runtime';
export {
  OrchardService,
  resolveOrchard,
  probeController,
  ORCHARD_TOKEN_KEY,
  type OrchardResolution,
} from './credentials';
export { OrchardClient, type OrchardCredentials } from './client';
export { OrchardError, type OrchardErrorCode } from './errors';
