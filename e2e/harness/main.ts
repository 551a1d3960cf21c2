// `npm run demo` (and Playwright's webServer): start the web harness and print where it is.
//   node --import tsx e2e/harness/main.ts [--port N] [--profile mac|fast] [--boot-delay-ms N]
//                                         [--no-services] [--herd-ports HTTP,HTTPS] [--pool-size N]
//                                         [--no-orchard]
// The demo shows the happy path on a Mac's timings: the Mac-like profile (e2e/sim/profile.ts),
// MySQL/Redis on the VMs' gateway as a Herd set up for VMs serves them, and a simulated Orchard
// controller the window can run sessions on. `--profile fast` (tests) uses --boot-delay-ms
// instead; `--no-services` shows the sessions' warnings; `--no-orchard` runs no controller.
// Ctrl-C (or SIGTERM) ends every session, keeping its work, stops the VMs and removes the temp dir.
import { PROFILE_NAMES, type ProfileName } from '../sim/profile';
import { startHarness, type Harness } from './server';

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

/** How long a simulated VM takes to boot: a demo shows the progress, tests want speed. */
function bootDelayArg(argv: string[]): number {
  const i = argv.indexOf('--boot-delay-ms');
  if (i < 0) return 1500;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write('--boot-delay-ms takes a number of milliseconds\n');
    process.exit(64);
  }
  return n;
}

/** The simulated host's timing profile: the demo looks like a Mac unless told otherwise. */
function profileArg(argv: string[]): ProfileName {
  const i = argv.indexOf('--profile');
  if (i < 0) return 'mac';
  const raw = argv[i + 1] ?? '';
  if (!(PROFILE_NAMES as readonly string[]).includes(raw)) {
    process.stderr.write(`--profile takes one of ${PROFILE_NAMES.join(', ')}, got '${raw}'\n`);
    process.exit(64);
  }
  return raw as ProfileName;
}

/** `--pool-size N`: standby sessions (the demo's default: the setting's; tests: 0, one VM each). */
function poolSizeArg(argv: string[]): number | undefined {
  const i = argv.indexOf('--pool-size');
  if (i < 0) return undefined;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n < 0 || n > 8) {
    process.stderr.write('--pool-size takes a whole number from 0 to 8\n');
    process.exit(64);
  }
  return n;
}

// Playwright starts the harness and must know the token; anyone else gets a random one. It is
// taken out of the environment, so no child process (tart, git, the VMs) inherits it.
const givenToken = process.env.CLAVE_DEMO_TOKEN;
delete process.env.CLAVE_DEMO_TOKEN;

const log = (line: string) => process.stderr.write(`[harness] ${line}\n`);

const argv = process.argv.slice(2);
const herdPorts = herdPortsArg(argv);
const bootDelay = bootDelayArg(argv);
const profile = profileArg(argv);
const hostServices = !argv.includes('--no-services');
const poolSize = poolSizeArg(argv);
const orchard = !argv.includes('--no-orchard');

// Signals are handled from the start, so Ctrl-C while the sim is being set up still cleans up.
let harness: Harness | undefined;
let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  log(`${signal}: ending sessions and cleaning up`);
  if (!harness) return; // the start below sees `stopping` and cleans up itself
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

try {
  harness = await startHarness({
    port: portArg(argv),
    log,
    ...(givenToken ? { token: givenToken } : {}),
    sim: { profile, bootDelayMs: bootDelay, sshdDelayMs: bootDelay >= 1000 ? 300 : 100 },
    hostServices,
    orchard,
    ...(herdPorts ? { herdProxyPorts: herdPorts } : {}),
    ...(poolSize === undefined ? {} : { poolSize }),
  });
} catch (e) {
  process.stderr.write(`Could not start the demo: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
if (stopping) {
  await harness.close();
  process.exit(0);
}

process.stdout.write(
  [
    '',
    `  Clave demo (simulated VM host) → ${harness.url}`,
    '',
    `  A Laravel project to start a session with (paste it into the path field):`,
    `    ${harness.demoProject}`,
    '',
    `  Timings: ${profile === 'mac' ? 'a Mac’s (assumed; --profile fast for test speed)' : 'fast (test speed)'}. MySQL and Redis for the VMs: ${hostServices ? 'on (--no-services shows the warnings)' : 'off'}.`,
    harness.orchard
      ? `  Orchard: a simulated controller at ${harness.orchard.url} (account ${harness.orchard.account?.name ?? 'none'}); choose “Run on: Orchard” beside the path field (--no-orchard: none).`
      : '  Orchard: off (without --no-orchard, a simulated controller to run sessions on).',
    '  A session’s 127.0.0.1:<port> link opens in any browser; its .test name needs Herd (a Mac).',
    '  Ctrl-C ends every session (keeping work) and removes the demo files.',
    '',
  ].join('\n'),
);
