// Session 4: the VM reaches the Mac's services through its NAT gateway; ask the VM which it is.
// Then check those services answer from inside the VM, and say how to open them when not.
import { need } from '../need';
import type { Step } from '../pipeline';
import { StepAbort } from '../problem';
import type { SessionContext } from '../context';
import { hostServices, localServices } from '../guest/laravel-env';
import { tcpProbeCommand } from '../guest/tcp-probe';

export function parseDefaultGateway(ipRoute: string): string | null {
  const m = /^default\s+via\s+(\d{1,3}(?:\.\d{1,3}){3})\b/m.exec(ipRoute);
  return m?.[1] ?? null;
}

export const discoverGateway: Step<SessionContext> = {
  name: 'discover-gateway',
  label: 'Find the host from inside the VM',
  async run(ctx, progress) {
    const r = await need(ctx, 'ssh', discoverGateway).run(
      'ip route show default',
      'Could not read the VM routes',
      {
        timeoutMs: 15_000,
      },
    );
    const gateway = parseDefaultGateway(r.stdout);
    if (!gateway) {
      throw new StepAbort({
        what: 'The VM has no default route',
        why: `ip route printed: ${r.stdout.trim() || '(nothing)'}`,
        fix: 'Restart the session; if it persists, re-provision the base image.',
      });
    }
    const s = ctx.settings.services;
    ctx.services =
      s.mode === 'vm'
        ? localServices()
        : hostServices(gateway, { mysql: s.mysqlPort, redis: s.redisPort });
    progress.hint(`gateway ${gateway}`);
  },
};

export const checkHostServices: Step<SessionContext> = {
  name: 'check-host-services',
  label: 'Check MySQL and Redis',
  async run(ctx, progress) {
    const svc = need(ctx, 'services', checkHostServices);
    const ssh = need(ctx, 'ssh', checkHostServices);
    const checks = [
      {
        name: 'MySQL',
        host: svc.mysqlHost,
        port: svc.mysqlPort,
        setting: 'bind-address = 0.0.0.0 (my.cnf, [mysqld])',
      },
      {
        name: 'Redis',
        host: svc.redisHost,
        port: svc.redisPort,
        setting: 'bind 0.0.0.0 and a password or protected-mode no (redis.conf)',
      },
    ];
    await Promise.all(
      checks.map(async (c) => {
        const r = await ssh.exec(tcpProbeCommand(c.host, c.port), { timeoutMs: 10_000 });
        if (r.code === 0) return;
        progress.warn({
          what: `${c.name} at ${c.host}:${c.port} is not reachable from the VM`,
          why: 'Herd binds its services to 127.0.0.1 unless told otherwise, so the VM cannot connect.',
          fix: `In Herd → Settings → Services, open ${c.name}'s configuration, set ${c.setting}, restart it${c.name === 'MySQL' ? ", and create a MySQL user for '192.168.64.%'" : ''}. The session goes on without it.`,
        });
      }),
    );
  },
};
