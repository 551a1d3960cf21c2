// Session 6: `<project>-<id>.test` through Herd. Without Herd the session still works at the
// tunnel's 127.0.0.1 URL, and the faces say why there is no .test name.
import type { Step } from '../pipeline';
import type { SessionContext } from '../context';

export const configureHerdProxy: Step<SessionContext> = {
  name: 'configure-herd-proxy',
  label: 'Give the site a .test name',
  async run(ctx, progress) {
    const herd = ctx.deps.proxies;
    if (!ctx.settings.herd.enabled) {
      ctx.update({ urlNote: 'Herd is turned off in settings; the site is on 127.0.0.1.' });
      return;
    }
    const status = await herd.status();
    if (!status.available) {
      ctx.update({ urlNote: `No .test name: ${status.reason}` });
      progress.hint(status.reason);
      return;
    }
    const name = ctx.names.proxyName;
    // Recorded first: a proxy that half-exists must still be removed by teardown.
    ctx.update({ proxyName: name });
    try {
      const url = await herd.proxy(name, ctx.live.tunnel!.url, ctx.settings.herd.secure);
      ctx.update({ url, urlNote: null });
    } catch (e) {
      const why = (e as { why?: string; message?: string }).why ?? (e as Error).message;
      ctx.update({ urlNote: `No .test name: Herd failed (${why})` });
      progress.warn({
        what: 'Herd could not serve the .test name',
        why,
        fix: `The site is at ${ctx.live.tunnel!.url}. Check Herd is running (herd proxies), then restart the session for a .test name.`,
      });
    }
  },
};
