// The Orchard controller, when sessions may run there: set up (URL, account, token) and answering
// with those credentials. Skipped when Orchard is neither configured nor the chosen backend.
import type { OrchardStatus } from '../../../shared/api';
import type { Check } from './check';

export interface OrchardProbe {
  status(options: { probe?: boolean }): Promise<OrchardStatus>;
}

export const orchardCheck: Check = {
  id: 'orchard',
  name: 'Orchard controller',
  async run(ctx) {
    const chosen = ctx.settings.backend.kind === 'orchard';
    const seen = await ctx.orchard?.status({ probe: false });
    if (!ctx.orchard || !seen || (seen.source === 'none' && !chosen))
      return { status: 'skip', detail: 'Not set up: sessions run on this Mac’s Tart.' };
    if (!seen.configured)
      return {
        status: chosen ? 'fail' : 'warn',
        detail: [seen.problem?.what, seen.problem?.why].filter(Boolean).join(': '),
        fix: seen.problem?.fix ?? 'clave orchard connect',
      };
    const s = await ctx.orchard.status({ probe: true });
    const who = `${s.serviceAccount ?? '?'} at ${s.url ?? '?'} (from ${s.source === 'env' ? 'the environment' : 'settings'})`;
    if (s.reachable) return { status: 'ok', detail: `the controller answers ${who}` };
    return {
      status: chosen ? 'fail' : 'warn',
      detail: `${who}: ${[s.problem?.what, s.problem?.why].filter(Boolean).join(': ')}`,
      fix: s.problem?.fix ?? 'clave orchard connect',
    };
  },
};
