// `e2e/sim/bin/tart-sim`: the simulator's own commands (not part of any real tool).
//   tart-sim reset [--keep-temp]        remove every leftover (same as e2e/sim/reset)
//   tart-sim status                      what the simulator has on this host right now
//   tart-sim services [--mysql[=PORT]] [--redis[=PORT]]
//                                        run host services on 192.168.64.1 until Ctrl-C
//   tart-sim herd-proxy [--port N] [--https-port N]
//                                        serve the Herd proxies (HOME or TART_SIM_HERD_HOME) until Ctrl-C
//   tart-sim orchard [--port N] [--service-account NAME:TOKEN[:ROLES]] [--workers N]
//                                        the simulated Orchard controller (orchard/main.ts)
import { hostSnapshot } from './leaks';
import { reset } from './reset-host';
import { startHostServices } from './services';
import { startHerdProxy } from './herd/proxy-server';
import { herdHome } from './herd/store';

function portArg(args: string[], name: string, fallback: number): number | undefined {
  const a = args.find((x) => x === `--${name}` || x.startsWith(`--${name}=`));
  if (!a) return undefined;
  return a.includes('=') ? Number(a.split('=')[1]) : fallback;
}

async function main(args: string[]): Promise<number> {
  const [cmd, ...rest] = args;
  switch (cmd) {
    case 'reset':
      reset({ tempDirs: !rest.includes('--keep-temp'), log: (l) => console.log(l) });
      return 0;
    case 'status':
      console.log(JSON.stringify(hostSnapshot(), null, 2));
      return 0;
    case 'services': {
      const svc = await startHostServices({
        mysql: portArg(rest, 'mysql', 3306),
        redis: portArg(rest, 'redis', 6379),
      });
      console.log(
        `mysql: ${svc.mysqlPort ?? 'off'}  redis: ${svc.redisPort ?? 'off'}  (Ctrl-C to stop)`,
      );
      await new Promise((r) => process.once('SIGINT', r));
      await svc.close();
      return 0;
    }
    case 'herd-proxy': {
      const p = await startHerdProxy({
        herdHome: herdHome(),
        httpPort: portArg(rest, 'port', 80),
        httpsPort: portArg(rest, 'https-port', 443),
      });
      console.log(
        `http://127.0.0.1:${p.httpPort}  https://127.0.0.1:${p.httpsPort}  (Ctrl-C to stop)`,
      );
      await new Promise((r) => process.once('SIGINT', r));
      await p.close();
      return 0;
    }
    case 'orchard': {
      const { orchardMain } = await import('./orchard/main');
      return orchardMain(rest);
    }
    default:
      console.error(
        'usage: tart-sim reset [--keep-temp] | status | services [--mysql[=PORT]] [--redis[=PORT]] | herd-proxy [--port N] [--https-port N] | orchard [--port N] [--service-account NAME:TOKEN] [--workers N]',
      );
      return 64;
  }
}

main(process.argv.slice(2)).then((c) => process.exit(c));
