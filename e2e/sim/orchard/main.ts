// `tart-sim orchard`: runs the simulated Orchard controller until SIGTERM/SIGINT, then removes
// every VM it made. Prints the API URL (http://127.0.0.1:N/v1) as its first stdout line.
//   tart-sim orchard [--port N] [--service-account NAME:TOKEN[:ROLE,ROLE…]]… [--workers N]
//                    [--worker-offline-timeout DURATION]   (e.g. 3s, 500ms, 3m; default 3s)
//                    [--pull-time DURATION]   (a worker's first VM of an image waits this long)
//                    [--stdin-lifeline]   (also stop when stdin closes: a test's controller
//                                          never outlives the test process)
// TART_SIM_ORCHARD_ACCOUNTS: more accounts, same syntax, separated by whitespace (keeps the
// tokens out of argv, where every process on the host can read them).
import { parseServiceAccount, type ServiceAccount } from './auth';
import { OrchardServer } from './server';

function duration(raw: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(raw);
  if (!m) throw new Error(`bad duration '${raw}' (e.g. 500ms, 3s, 3m)`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000 }[m[2] as 'ms' | 's' | 'm'];
}

export async function orchardMain(args: string[]): Promise<number> {
  let port = 6120;
  let workers = 2;
  let offlineMs: number | undefined;
  let pullMs: number | undefined;
  let lifeline = false;
  const accounts: ServiceAccount[] = (process.env.TART_SIM_ORCHARD_ACCOUNTS ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .map(parseServiceAccount);
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--port') port = Number(value());
    else if (flag === '--workers') workers = Number(value());
    else if (flag === '--service-account') accounts.push(parseServiceAccount(value()));
    else if (flag === '--worker-offline-timeout') offlineMs = duration(value());
    else if (flag === '--pull-time') pullMs = duration(value());
    else if (flag === '--stdin-lifeline') lifeline = true;
    else throw new Error(`unknown option '${flag}'`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('bad --port');
  if (!Number.isInteger(workers) || workers < 1 || workers > 16) throw new Error('bad --workers');
  const server = new OrchardServer({
    port,
    workers,
    env: process.env,
    serviceAccounts: accounts,
    ...(offlineMs !== undefined ? { workerOfflineTimeoutMs: offlineMs } : {}),
    ...(pullMs !== undefined ? { pullMs } : {}),
  });
  const url = await server.listen();
  console.log(url);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
    if (lifeline)
      process.stdin
        .on('end', () => resolve())
        .on('close', () => resolve())
        .resume();
  });
  await server.close();
  return 0;
}
