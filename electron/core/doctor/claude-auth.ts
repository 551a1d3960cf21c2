// Claude Code in the VMs needs a credential from the Mac: an API key or a long-lived OAuth token.
import type { Check } from './check';

export const claudeAuthCheck: Check = {
  id: 'claude-auth',
  name: 'Claude authentication',
  async run(ctx) {
    const s = await ctx.auth.status();
    return s.method === 'none'
      ? {
          status: 'fail',
          detail: 'no credential',
          fix: 'clave auth (runs `claude setup-token` once and stores the token), or set ANTHROPIC_API_KEY.',
        }
      : { status: 'ok', detail: `${s.method} from ${s.source}` };
  },
};
