// Session 4: where the session's MySQL and Redis are. On this Mac's Tart the VM reaches the Mac's
// services through its NAT gateway (ask the VM which it is), or runs its own (services.mode vm).
// A VM on another Mac (Orchard) cannot reach this Mac: it runs its own, unless the project asks
// for host services (.clave.json `services: "host"`), which then come through reverse tunnels
// over ssh to the VM's 127.0.0.1. Then check those services answer from inside the VM, and say
// how to open them when not.
import type { Problem, ServicesMode } from '../../../../shared/session';
import { need } from '../need';
import type { Step } from '../pipeline';
import { StepAbort } from '../problem';
import type { SessionContext } from '../context';
import { hostServices, localServices } from '../guest/laravel-env';
import { tcpProbeCommand } from '../guest/tcp-probe';
import { McpTunnels } from '../mcp-tunnels';

export function parseDefaultGateway(ipRoute: string): string | null {
  const m = /^default\s+via\s+(\d{1,3}(?:\.\d{1,3}){3})\b/m.exec(ipRoute);
  return m?.[1] ?? null;
}

/** The project's choice, else the setting on this Mac's Tart; a remote VM runs its own. */
export function servicesMode(ctx: SessionContext): ServicesMode {
  const local = ctx.deps.vms.kind === 'tart';
  const wanted = ctx.projectConfig.services ?? (local ? ctx.settings.services.mode : 'vm');
  if (wanted === 'vm') return 'vm';
  return local ? 'host' : 'tunnel';
}

/** The Mac's MySQL and Redis on the VM's 127.0.0.1, through the session's ssh connection. */
export async function openServiceTunnels(
  ctx: SessionContext,
  warn: (p: Problem) => void,
): Promise<void> {
  const ssh = need(ctx, 'ssh', discoverGateway);
  const s = ctx.settings.services;
  const at = (name: string, port: number) => ({
    name,
    port,
    macHost: '127.0.0.1',
    guestHost: '127.0.0.1' as const,
  });
  let warnNow = warn;
  const tunnels = new McpTunnels(
    [at('MySQL', s.mysqlPort), at('Redis', s.redisPort)],
    ({ problems }) => {
      for (const p of problems) if (!ctx.state.warnings.some((w) => w.what === p.what)) warnNow(p);
    },
    "this Mac's",
  );
  ctx.live.serviceTunnels = tunnels;
  await tunnels.useConnection(ssh);
  // A later connection (a reconnect) is no step's: its problems go straight onto the session.
  warnNow = (p) => ctx.warn(p);
}

export const discoverGateway: Step<SessionContext> = {
  name: 'discover-gateway',
  label: 'Find the host from inside the VM',
  async run(ctx, progress) {
    const mode = servicesMode(ctx);
    const s = ctx.settings.services;
    if (mode === 'tunnel') {
      await openServiceTunnels(ctx, progress.warn);
      ctx.services = hostServices('127.0.0.1', { mysql: s.mysqlPort, redis: s.redisPort });
      ctx.update({ services: mode });
      progress.hint("this Mac's MySQL and Redis through ssh tunnels");
      return;
    }
    if (ctx.deps.vms.kind !== 'tart') {
      ctx.services = localServices();
      ctx.update({ services: mode });
      progress.hint('MySQL and Redis inside the VM');
      return;
    }
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
    ctx.services =
      mode === 'vm'
        ? localServices()
        : hostServices(gateway, { mysql: s.mysqlPort, redis: s.redisPort });
    ctx.update({ services: mode });
    progress.hint(`gateway ${gateway}`);
  },
};

/** Why a service does not answer and what to do, for where it is meant to be. */
function unreachable(mode: ServicesMode | null, name: string, setting: string) {
  if (mode === 'vm')
    return {
      why: `The VM runs its own ${name}, and it does not answer.`,
      fix: 'Use a base image with in-VM services (provision with services.mode vm), or set `services: "host"` in .clave.json. The session goes on without it.',
    };
  if (mode === 'tunnel')
    return {
      why: `The VM reaches this Mac's ${name} through an ssh tunnel, and nothing answers on this Mac's 127.0.0.1 at that port.`,
      fix: `Start ${name} on this Mac (Herd → Settings → Services). The session goes on without it.`,
    };
  return {
    why: 'Herd binds its services to 127.0.0.1 unless told otherwise, so the VM cannot connect.',
    fix: `In Herd → Settings → Services, open ${name}'s configuration, set ${setting}, restart it${name === 'MySQL' ? ", and create a MySQL user for '192.168.64.%'" : ''}. The session goes on without it.`,
  };
}

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
          ...unreachable(ctx.state.services, c.name, c.setting),
        });
      }),
    );
  },
};
