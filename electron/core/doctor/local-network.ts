// macOS 15+ lets an app open connections to local subnets (the VMs' 192.168.64.x) only once the
// user allowed "Local Network" for it (Apple TN3179); until then connect() fails with
// EHOSTUNREACH and ssh to every VM fails. Probe what ssh would: a running VM's port 22, else the
// VM network's gateway. A refused port still proves the route; only "blocked" means the permission.
import type { Check } from './check';
import { localNetworkProblem } from '../host/local-network';
import { tcpProbe, isLocalAddress } from '../host/net-probe';

const PROBE_MS = 2000;

export const localNetworkCheck: Check = {
  id: 'local-network',
  name: 'Local Network permission',
  async run(ctx) {
    if (ctx.platform !== 'darwin')
      return {
        status: 'skip',
        detail: `A macOS 15+ permission; not applicable on ${ctx.platform}.`,
      };
    if (Number(ctx.osRelease.split('.')[0]) < 24)
      return {
        status: 'ok',
        detail: 'Not needed: macOS before 15 has no Local Network permission.',
      };
    const vms = await ctx.vmAddresses();
    const target = vms[0] ?? (isLocalAddress(ctx.gateway) ? ctx.gateway : null);
    if (!target) {
      return {
        status: 'skip',
        detail:
          'No VM is running, so the VM network does not exist yet: run the doctor again while a session runs.',
      };
    }
    const r = await tcpProbe(target, 22, PROBE_MS);
    if (r.kind === 'open' || r.kind === 'refused')
      return { status: 'ok', detail: `Clave reaches the VM network (${target}).` };
    if (r.kind === 'blocked') {
      return {
        status: 'fail',
        detail: `Local Network permission missing: macOS refused Clave’s connection to ${target} (${r.code}).`,
        fix: localNetworkProblem(target, r.code).fix,
      };
    }
    return {
      status: 'warn',
      detail: `No answer from ${target}:22 within ${PROBE_MS / 1000} s (${r.kind === 'timeout' ? 'timeout' : r.code}).`,
      fix: 'Check that the VM runs (tart list). If it does, allow Clave in System Settings → Privacy & Security → Local Network.',
    };
  },
};
