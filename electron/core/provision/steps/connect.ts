// Provision 5: log in to the temporary VM (sshd comes up after the address).
import type { ProvisionStep } from './step';

export const connect: ProvisionStep = {
  name: 'connect',
  label: 'Log in to the VM',
  describe: (ctx) => `Waiting for ssh on ${ctx.address?.host}`,
  failed: () => 'Could not log in to the temporary VM',
  async run(ctx) {
    const { ssh, timeouts } = ctx.o;
    const address = ctx.address!;
    ctx.shell = await ctx.track(
      ctx.deps.connect({
        host: address.host,
        port: address.port,
        username: ssh.user,
        // The cirruslabs images log in as admin/admin; a key replaces the default password.
        ...(ssh.privateKey === undefined
          ? { password: ssh.password ?? 'admin' }
          : { privateKey: ssh.privateKey }),
        ...(ssh.privateKey !== undefined && ssh.password !== undefined
          ? { password: ssh.password }
          : {}),
        deadlineMs: timeouts.sshSeconds * 1000,
        signal: ctx.signal,
      }),
    );
  },
};
