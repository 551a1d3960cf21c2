// `npm run demo` (and Playwright's webServer): start the web harness and print where it is.
//   node --import tsx e2e/harness/main.ts [--port N]
// Ctrl-C (or SIGTERM) ends every session, keeping its work, stops the VMs and removes the temp dir.
import { startHarness } from './server';

function portArg(argv: string[]): number {
  const i = argv.indexOf('--port');
  const raw = i >= 0 ? argv[i + 1] : process.env.CLAVE_DEMO_PORT;
  if (raw === undefined || raw === '') return 4178;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    process.stderr.write(`--port must be a port number, got '${raw}'\n`);
    process.exit(64);
  }
  return n;
}

/** `--herd-ports 4180,4181`: serve the sessions' .test sites on these ports (http, https). */
function herdPortsArg(argv: string[]): { http: number; https: number } | undefined {
  const i = argv.indexOf('--herd-ports');
  if (i < 0) return undefined;
  const [http, https] = (argv[i + 1] ?? '').split(',').map(Number);
  if (!Number.isInteger(http) || !Number.isInteger(https)) {
    process.stderr.write('--herd-ports takes two port numbers: HTTP,HTTPS\n');
    process.exit(64);
  }
  return { http: http!, https: https! };
}

const log = (line: string) => process.stderr.write(`[harness] ${line}\n`);

const argv = process.argv.slice(2);
const herdPorts = herdPortsArg(argv);
const harness = await startHarness({
  port: portArg(argv),
  log,
  ...(herdPorts ? { herdProxyPorts: herdPorts } : {}),
}).catch((e: unknown) => {
  process.stderr.write(`Could not start the demo: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});

process.stdout.write(
  [
    '',
    `  Clave demo (simulated VM host) → ${harness.url}`,
    '',
    `  A Laravel project to start a session with (paste it into the path field):`,
    `    ${harness.demoProject}`,
    '',
    '  Ctrl-C ends every session (keeping work) and removes the demo files.',
    '',
  ].join('\n'),
);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  log(`${signal}: ending sessions and cleaning up`);
  const timer = setTimeout(() => process.exit(1), 60_000);
  harness.close().then(
    () => {
      clearTimeout(timer);
      process.exit(0);
    },
    (e: unknown) => {
      log(`cleanup failed: ${String(e)}`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
