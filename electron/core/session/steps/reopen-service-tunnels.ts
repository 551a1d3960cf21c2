// Re-attach: a session whose VM reaches this Mac's MySQL/Redis through ssh tunnels (services
// `tunnel`) gets them back on the new connection; the VM's .env already points at 127.0.0.1.
import type { Step } from '../pipeline';
import type { SessionContext } from '../context';
import { openServiceTunnels } from './discover-gateway';

export const reopenServiceTunnels: Step<SessionContext> = {
  name: 'reopen-service-tunnels',
  label: 'Reopen the tunnels to MySQL and Redis',
  async run(ctx, progress) {
    if (ctx.state.services === 'tunnel') await openServiceTunnels(ctx, progress.warn);
  },
};
