// What the provision flow needs from the outside world: the VM seam (vm/runtime.ts) and a guest
// login. The real implementations are bound in host-binding.ts; tests of the flow's logic use an
// in-memory fake (testing/fake-host.ts), its integration tests the real ones on the simulated host.
import type { GuestShell, VmRuntime } from '../vm/runtime';

export interface GuestLogin {
  host: string;
  port: number;
  username: string;
  password?: string;
  privateKey?: string;
  deadlineMs: number;
  signal: AbortSignal;
}

export interface ProvisionDeps {
  vms: VmRuntime;
  connect(login: GuestLogin): Promise<GuestShell>;
}
