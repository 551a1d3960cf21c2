// Session 5: the VM's port 80 on 127.0.0.1:<port>, the port held from allocation to tunnel so no
// other session can take it in between.
import { need } from '../need';
import type { Step } from '../pipeline';
import type { SessionContext } from '../context';

export const createSshTunnel: Step<SessionContext> = {
  name: 'create-ssh-tunnel',
  label: 'Open the tunnel to the site',
  async run(ctx, progress) {
    const ssh = need(ctx, 'ssh', createSshTunnel);
    const lease = await ctx.deps.ports.allocate();
    ctx.live.portLease = lease;
    ctx.update({ tunnelPort: lease.port });
    const tunnel = await ctx.deps.vms.forwardPort(ssh, { server: lease.server, guestPort: 80 });
    ctx.live.tunnel = tunnel;
    ctx.update({ url: tunnel.url });
    progress.hint(tunnel.url);
  },
};
