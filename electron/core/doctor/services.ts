// Herd Pro's MySQL and Redis as a session VM sees them: at the VM network's gateway. A service
// bound to 127.0.0.1 (Herd's default unless told otherwise) is invisible to the VMs. With a
// session running, ask from inside its VM; else, when the VM network exists, connect to the
// gateway address the VMs use; when it does not (no VM running), compare loopback with another
// address of this Mac to read the bind address.
import type { Check, CheckOutcome } from './check';
import { isLocalAddress, otherLocalAddresses, tcpProbe } from '../host/net-probe';

const PROBE_MS = 1500;

interface Service {
  name: 'MySQL' | 'Redis';
  port: number;
  setting: string;
}

const reachable = async (host: string, port: number) =>
  (await tcpProbe(host, port, PROBE_MS)).kind === 'open';

function bindFix(s: Service): string {
  return `In Herd → Settings → Services, open ${s.name}’s configuration file, set ${s.setting}, and restart it${
    s.name === 'MySQL' ? "; then create a MySQL user for '192.168.64.%'" : ''
  }. Or set services.mode to vm to run it inside each VM.`;
}

export async function probeService(
  s: Service,
  gateway: string,
  fromVm: (host: string, port: number) => Promise<boolean | null> = async () => null,
): Promise<CheckOutcome> {
  const where = `${s.name} (port ${s.port})`;
  const [inVm, onLoopback] = await Promise.all([
    fromVm(gateway, s.port),
    reachable('127.0.0.1', s.port),
  ]);
  if (inVm === true)
    return {
      status: 'ok',
      detail: `${where} answers at ${gateway} from inside a running session VM.`,
    };
  if (inVm === false && onLoopback) {
    return {
      status: 'fail',
      detail: `${where} does not answer at ${gateway} from inside a running session VM; it listens on 127.0.0.1 only.`,
      fix: bindFix(s),
    };
  }
  if (inVm === false) {
    return {
      status: 'warn',
      detail: `${where} does not answer at ${gateway} from inside a running session VM, nor on this Mac.`,
      fix: `Start ${s.name} in Herd → Settings → Services (Herd Pro), or set services.mode to vm.`,
    };
  }
  if (isLocalAddress(gateway)) {
    if (await reachable(gateway, s.port))
      return { status: 'ok', detail: `${where} answers at ${gateway}, where the VMs connect.` };
  } else {
    const other = otherLocalAddresses(gateway)[0];
    if (other && (await reachable(other, s.port)))
      return {
        status: 'ok',
        detail: `${where} listens on all addresses, so the VMs reach it at ${gateway}.`,
      };
  }
  if (onLoopback) {
    return {
      status: 'fail',
      detail: `${where} listens on 127.0.0.1 only: the VMs cannot reach it.`,
      fix: bindFix(s),
    };
  }
  return {
    status: 'warn',
    detail: `${where} does not answer on this Mac: sessions’ migrations and queues will fail.`,
    fix: `Start ${s.name} in Herd → Settings → Services (Herd Pro), or set services.mode to vm.`,
  };
}

const WORST: CheckOutcome['status'][] = ['fail', 'warn', 'ok', 'skip'];

export const servicesCheck: Check = {
  id: 'services',
  name: 'MySQL and Redis for the VMs',
  async run(ctx) {
    const svc = ctx.settings.services;
    if (svc.mode === 'vm')
      return {
        status: 'skip',
        detail: 'services.mode is vm: each VM runs its own MySQL and Redis.',
      };
    const results = await Promise.all([
      probeService(
        { name: 'MySQL', port: svc.mysqlPort, setting: 'bind-address = 0.0.0.0 under [mysqld]' },
        ctx.gateway,
        (h, p) => ctx.reachableFromVm(h, p),
      ),
      probeService(
        {
          name: 'Redis',
          port: svc.redisPort,
          setting: 'bind 0.0.0.0 and a password (or protected-mode no)',
        },
        ctx.gateway,
        (h, p) => ctx.reachableFromVm(h, p),
      ),
    ]);
    const status = WORST.find((w) => results.some((r) => r.status === w)) ?? 'ok';
    const fixes = results.map((r) => r.fix).filter(Boolean);
    return {
      status,
      detail: results.map((r) => r.detail).join(' '),
      ...(fixes.length ? { fix: fixes.join(' ') } : {}),
    };
  },
};
