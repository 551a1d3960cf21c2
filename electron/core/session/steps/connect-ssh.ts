// Re-attach 1: a session a previous host left running is reached again at the address on its
// record (its VM kept running; only the connection was this process's).
import type { SshConnection } from '../../host/ssh';
import type { SessionContext } from '../context';
import { need } from '../need';
import type { Step } from '../pipeline';

/** One connection to the session's VM, within `deadlineMs` (also how a dropped one is re-made). */
export function connectToVm(
  ctx: SessionContext,
  by: Pick<Step<SessionContext>, 'label'>,
  deadlineMs: number,
  signal?: AbortSignal,
): Promise<SshConnection> {
  const ssh = ctx.settings.ssh;
  return ctx.deps.connectSsh({
    host: need(ctx, 'vmIp', by),
    port: ssh.port,
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
