// The provision flow's ports bound to the real host adapters (filled in when host/tart.ts lands).
import type { ProvisionDeps } from './ports';

export function hostDeps(): ProvisionDeps {
  throw new Error('host adapters are not wired yet');
}
