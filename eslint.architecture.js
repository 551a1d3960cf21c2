// @ts-check
// The architecture, as lint rules: renderer → shared ← electron/shell → electron/core.
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules.filter((m) => !m.startsWith('_')), 'node:*'];
const forbidNode = {
  group: nodeBuiltins.flatMap((m) => (m.endsWith('*') ? [m] : [m, `${m}/*`])),
  message: 'Node built-ins are not available here; ask the main process through the shared API.',
};
const forbidElectronPackage = {
  name: 'electron',
  message: 'Only electron/shell, main.ts and preload.ts may import electron.',
};
const forbidElectronFolder = {
  regex: '(^|/)electron/',
  message: 'This side may not import Electron-side code; share types through shared/.',
};
const forbidRendererFolder = {
  regex: '(^|/)renderer/',
  message: 'shared/ imports neither side.',
};

// Inside the core each layer talks to the next through its public face only. ESLint gives a file
// the options of the LAST config that matches it, so every narrower config below repeats the
// wider one's limits (`...core`) instead of replacing them.
const forbidShellFolder = {
  regex: '(^|/)shell/',
  message: 'The core never depends on the Electron shell.',
};
const forbidE2e = {
  regex: '(^|/)e2e/',
  message: 'Product code never imports e2e/ (the simulator and harness are test tools).',
};
const forbidUpperLayers = {
  regex: '^(\\.\\./)+(session|provision|api|doctor|vm|store|config)(/|$)|^(\\.\\./)+compose$',
  message:
    'host/ adapters sit below everything else: they may not import session/, provision/, api/, doctor/, vm/, store/, config/ or compose.',
};
const forbidSessionInternals = {
  regex: '^(\\.\\./)+session/(?!session-host$)',
  message:
    'api/ reaches sessions only through session/session-host (shared helpers live in the core, e.g. core/problem).',
};
const forbidApiInternals = {
  regex: '^(\\.\\./)+api/(?!dispatch$)',
  message: 'session/ knows the API only as the Client type of api/dispatch.',
};
/** What the CLI may use of the host: the socket, where it lives, and nothing that does the work. */
const cliAllowed = ['core/api/socket-client', 'core/config/paths'];
const cliThroughApi = (extra = /** @type {string[]} */ ([])) => ({
  regex: `(^|/)electron/(?!(${[...cliAllowed, ...extra].join('|')})$)`,
  message:
    'The CLI talks to the host only through the API (shared/, electron/core/api/socket-client and config/paths).',
});

const core = {
  paths: [forbidElectronPackage],
  patterns: [forbidRendererFolder, forbidShellFolder],
};
/** Tests and their helpers may reach across layers and into e2e/: the rules below bind product code. */
const productOnly = ['**/*.test.*', '**/testing/**'];

/** @param {string[]} files @param {{paths?: object[], patterns: object[]}} limits @param {string[]} [ignores] */
function restrict(files, limits, ignores) {
  return {
    files,
    ...(ignores ? { ignores } : {}),
    rules: {
      'no-restricted-imports': ['error', { paths: limits.paths ?? [], patterns: limits.patterns }],
    },
  };
}

/** @type {import('typescript-eslint').ConfigArray} */
export const architectureRules = [
  // The three outer edges: renderer → shared ← electron/shell → electron/core.
  restrict(['electron/core/**', 'cli/**'], core),
  restrict(['renderer/**'], {
    paths: [forbidElectronPackage],
    patterns: [forbidNode, forbidElectronFolder],
  }),
  restrict(['shared/**'], {
    paths: [forbidElectronPackage],
    patterns: [forbidNode, forbidElectronFolder, forbidRendererFolder],
  }),
  // Product code never imports e2e/.
  restrict(['electron/*.ts', 'electron/shell/**'], { patterns: [forbidE2e] }, productOnly),
  restrict(
    ['electron/core/**', 'cli/**'],
    { ...core, patterns: [...core.patterns, forbidE2e] },
    productOnly,
  ),
  restrict(
    ['renderer/**'],
    { paths: [forbidElectronPackage], patterns: [forbidNode, forbidElectronFolder, forbidE2e] },
    productOnly,
  ),
  restrict(
    ['shared/**'],
    {
      paths: [forbidElectronPackage],
      patterns: [forbidNode, forbidElectronFolder, forbidRendererFolder, forbidE2e],
    },
    productOnly,
  ),
  // Layers inside the core.
  restrict(
    ['electron/core/host/**'],
    { ...core, patterns: [...core.patterns, forbidE2e, forbidUpperLayers] },
    productOnly,
  ),
  restrict(
    ['electron/core/api/**'],
    { ...core, patterns: [...core.patterns, forbidE2e, forbidSessionInternals] },
    productOnly,
  ),
  restrict(
    ['electron/core/session/**'],
    { ...core, patterns: [...core.patterns, forbidE2e, forbidApiInternals] },
    productOnly,
  ),
  // The CLI is a face of the API.
  restrict(
    ['cli/**'],
    { ...core, patterns: [...core.patterns, forbidE2e, cliThroughApi()] },
    productOnly,
  ),
  // Known exceptions, each a file of its own:
  // `clave serve` IS the host process: it composes the runtime, reads the settings, listens.
  restrict(['cli/serve.ts'], {
    ...core,
    patterns: [
      ...core.patterns,
      forbidE2e,
      cliThroughApi(['core/compose', 'core/config/settings', 'core/api/socket-server']),
    ],
  }),
  // Violation kept for now: `clave auth` runs `claude setup-token` in the CLI's own terminal and
  // stores the token itself, instead of asking the host through the API.
  restrict(['cli/auth-setup.ts'], {
    ...core,
    patterns: [
      ...core.patterns,
      forbidE2e,
      cliThroughApi(['core/host/secret-store', 'core/host/claude-auth']),
    ],
  }),
];
