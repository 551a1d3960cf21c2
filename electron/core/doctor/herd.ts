// Herd gives each session its .test site; optional (sessions work on 127.0.0.1 without it).
import type { Check } from './check';

export const herdCheck: Check = {
  id: 'herd',
  name: 'Herd',
  async run(ctx) {
    if (!ctx.settings.herd.enabled)
      return {
        status: 'skip',
        detail: 'Turned off in settings (herd.enabled): sites are on 127.0.0.1.',
      };
    const a = await ctx.herd.availability();
    if (!a.available)
      return {
        status: 'warn',
        detail: `${a.reason} Sessions still work on 127.0.0.1.`,
        fix: a.fix,
      };
    const tld = await ctx.herd.tld();
    return { status: 'ok', detail: `herd at ${a.binary}; sites end in .${tld}` };
  },
};
