// Re-attach 1: a session a previous host left running is reached again (its VM kept running; only
// the connection was this process's). Where sshd is reached is asked of the VM's runtime each
// time, not read from the record: a forwarder to a remote VM (Orchard) died with its host.
import type { SshConnection } from '../../host/ssh';
import type { SessionContext } from '../context';
import { need } from '../need';
import type { Step } from '../pipeline';

/** One connection to the session's VM, within `deadlineMs` (also how a dropped one is re-made). */
export async function connectToVm(
  ctx: SessionContext,
  by: Pick<Step<SessionContext>, 'label'>,
  deadlineMs: number,
  signal?: AbortSignal,
): Promise<SshConnection> {
  const ssh = ctx.settings.ssh;
  const endpoint = await ctx.deps.vms.endpoint(need(ctx, 'vmName', by), ssh.port, {
    waitSeconds: Math.max(1, Math.ceil(deadlineMs / 1000)),
    ...(signal ? { signal } : {}),
  });
  if (endpoint.host !== ctx.state.vmIp) ctx.update({ vmIp: endpoint.host });
  return ctx.deps.connectSsh({
    host: endpoint.host,
    port: endpoint.port,
    username: ssh.user,
    password: ssh.password,
    deadlineMs,
    ...(signal ? { signal } : {}),
  });
}

export const connectSsh: Step<SessionContext> = {
  name: 'connect-ssh',
  label: 'Connect to the VM',
  async run(ctx) {
    ctx.live.ssh = await connectToVm(ctx, connectSsh, 15_000, ctx.signal);
  },
};
