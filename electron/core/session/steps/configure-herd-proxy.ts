// Session 6: `<project>-<id>.test` through Herd. Without Herd the session still works at the
// tunnel's 127.0.0.1 URL, and the faces say why there is no .test name. A re-attached session
// gets back the name on its record (never a new one).
import { repointed } from '../cleanup/survey';
import type { SessionContext } from '../context';
import { need } from '../need';
import type { Step, StepProgress } from '../pipeline';

export const configureHerdProxy: Step<SessionContext> = {
  name: 'configure-herd-proxy',
  label: 'Give the site a .test name',
  async run(ctx, progress) {
    const tunnel = need(ctx, 'tunnel', configureHerdProxy);
    const name = ctx.reattached ? await recordedName(ctx) : await newName(ctx, progress);
    if (!name) return;
    // Recorded first: a proxy that half-exists must still be removed by teardown.
    ctx.update({ proxyName: name });
    try {
      const url = await ctx.deps.proxies.proxy(name, tunnel.url, ctx.settings.herd.secure);
      ctx.update({ url, urlNote: null });
    } catch (e) {
      const why = (e as { why?: string; message?: string }).why ?? (e as Error).message;
      ctx.update({ urlNote: `No .test name: Herd failed (${why})` });
      progress.warn({
        what: 'Herd could not serve the .test name',
        why,
        fix: `The site is at ${tunnel.url}. Check Herd is running (herd proxies), then restart the session for a .test name.`,
      });
    }
  },
};

/** The name a new session gets, when Herd is on and there to serve it. */
async function newName(ctx: SessionContext, progress: StepProgress): Promise<string | null> {
  if (!ctx.settings.herd.enabled) {
    ctx.update({ urlNote: 'Herd is turned off in settings; the site is on 127.0.0.1.' });
    return null;
  }
  const status = await ctx.deps.proxies.status();
  if (!status.available) {
    ctx.update({ urlNote: `No .test name: ${status.reason}` });
    progress.hint(status.reason);
    return null;
  }
  return need(ctx, 'names', configureHerdProxy).proxyName;
}

/** The name on record, unless its owner pointed it elsewhere while no host ran. */
async function recordedName(ctx: SessionContext): Promise<string | null> {
  const name = ctx.state.proxyName;
  if (name && (await repointed(ctx.deps, name))) {
    // It is theirs now, not ours.
    ctx.update({ proxyName: null, urlNote: `${name} now points elsewhere in Herd` });
    return null;
  }
  return name;
}
