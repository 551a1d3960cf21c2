// Guest `claude` stand-in (~/.local/bin/claude, as the native installer puts it). It behaves like
// Claude Code where Clave depends on it:
//  - refuses --dangerously-skip-permissions (and bypassPermissions) as root unless IS_SANDBOX=1;
//  - without `hasCompletedOnboarding` in ~/.claude.json it shows the theme picker, without auth the
//    login screen, and stalls there; an unapproved ANTHROPIC_API_KEY, an untrusted folder (or $HOME)
//    and an unacknowledged bypass mode each show their dialog first;
//  - then a TUI-like session in the terminal: banner, `> ` prompt, one request per line, file edits
//    in the working directory (asking permission unless bypassed), `/exit` to quit;
//  - `-p <prompt>` answers once without a TUI.
// The "model" understands: create <path> with <text> | append <text> to <path> |
// replace <old> with <new> in <path> | read <path> | delete <path> | run <command>.
import { execSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';

const VERSION = '2.1.87';
const HOME = process.env.HOME || homedir();
const CWD = process.cwd();
const GLOBAL = `${HOME}/.claude.json`;
const SETTINGS = `${HOME}/.claude/settings.json`;
const CREDENTIALS = `${HOME}/.claude/.credentials.json`;

type Json = Record<string, unknown>;

function readJson(path: string): Json | undefined {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return v && typeof v === 'object' ? (v as Json) : undefined;
  } catch {
    return undefined;
  }
}

function writeJson(path: string, v: Json): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(v, null, 2) + '\n');
}

// --- command line
const argv = process.argv.slice(2);
let prompt: string | undefined;
let bypass = false;
let model = 'claude-sonnet-4-5';
for (let i = 0; i < argv.length; i++) {
  const a = argv[i] ?? '';
  if (a === '--version' || a === '-v') {
    process.stdout.write(`${VERSION} (Claude Code)\n`);
    process.exit(0);
  } else if (a === '-p' || a === '--print') {
    prompt = argv[i + 1] && !argv[i + 1]?.startsWith('-') ? argv[++i] : '';
  } else if (
    a === '--dangerously-skip-permissions' ||
    a === '--allow-dangerously-skip-permissions'
  ) {
    bypass = true;
  } else if (a === '--permission-mode') {
    if (argv[++i] === 'bypassPermissions') bypass = true;
  } else if (a === '--model') {
    model = argv[++i] ?? model;
  } else if (
    [
      '--output-format',
      '--input-format',
      '--append-system-prompt',
      '--settings',
      '--add-dir',
      '--allowedTools',
      '--disallowedTools',
      '--resume',
      '-r',
      '--session-id',
    ].includes(a)
  ) {
    i++;
  } else if (['--verbose', '--debug', '-c', '--continue', '--ide'].includes(a)) {
    // accepted
  } else if (a.startsWith('-')) {
    process.stderr.write(`error: unknown option '${a}'\n`);
    process.exit(1);
  }
  // A positional prompt would start the session with it; the stand-in ignores it.
}

if (bypass && process.getuid?.() === 0 && process.env.IS_SANDBOX !== '1') {
  process.stderr.write(
    '--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons\n',
  );
  process.exit(1);
}

// --- state and auth
const global: Json = readJson(GLOBAL) ?? {};
const settings: Json = readJson(SETTINGS) ?? {};
const apiKey = process.env.ANTHROPIC_API_KEY || undefined;
const oauthEnv = process.env.CLAUDE_CODE_OAUTH_TOKEN || undefined;
const creds = readJson(CREDENTIALS)?.claudeAiOauth as Json | undefined;
const credsValid =
  typeof creds?.accessToken === 'string' &&
  creds.accessToken !== '' &&
  (typeof creds.expiresAt !== 'number' || creds.expiresAt > Date.now());
const approvedKeys =
  ((global.customApiKeyResponses as Json | undefined)?.approved as string[] | undefined) ?? [];
const keyApproved = apiKey !== undefined && approvedKeys.includes(apiKey.slice(-20));
const authMethod = oauthEnv ? 'oauth-env' : credsValid ? 'oauth' : apiKey ? 'api-key' : undefined;

// --- the "model"
interface Action {
  tool: string;
  target: string;
  apply: () => string;
}

function parseRequest(text: string): Action | string {
  const t = text.trim();
  let m: RegExpExecArray | null;
  const p = (x: string) => resolve(CWD, x.trim());
  if ((m = /^(?:create|write)\s+(\S+)\s+(?:with|containing)\s+([\s\S]*)$/i.exec(t))) {
    const [file, body] = [m[1] ?? '', m[2] ?? ''];
    return {
      tool: 'Write',
      target: file,
      apply: () => {
        mkdirSync(dirname(p(file)), { recursive: true });
        writeFileSync(p(file), body.endsWith('\n') ? body : body + '\n');
        return `Wrote ${body.split('\n').length} lines to ${file}`;
      },
    };
  }
  if ((m = /^append\s+([\s\S]+)\s+to\s+(\S+)$/i.exec(t))) {
    const [body, file] = [m[1] ?? '', m[2] ?? ''];
    return {
      tool: 'Update',
      target: file,
      apply: () => (appendFileSync(p(file), body + '\n'), `Appended 1 line to ${file}`),
    };
  }
  if ((m = /^replace\s+([\s\S]+?)\s+with\s+([\s\S]*?)\s+in\s+(\S+)$/i.exec(t))) {
    const [from, to, file] = [m[1] ?? '', m[2] ?? '', m[3] ?? ''];
    return {
      tool: 'Update',
      target: file,
      apply: () => {
        const before = readFileSync(p(file), 'utf8');
        if (!before.includes(from)) throw new Error(`String to replace not found in file.`);
        writeFileSync(p(file), before.split(from).join(to));
        return `Updated ${file}`;
      },
    };
  }
  if ((m = /^(?:read|show)\s+(\S+)$/i.exec(t))) {
    const file = m[1] ?? '';
    return { tool: 'Read', target: file, apply: () => readFileSync(p(file), 'utf8').trimEnd() };
  }
  if ((m = /^delete\s+(\S+)$/i.exec(t))) {
    const file = m[1] ?? '';
    return {
      tool: 'Bash',
      target: `rm ${file}`,
      apply: () => (rmSync(p(file)), `Deleted ${file}`),
    };
  }
  if ((m = /^run\s+([\s\S]+)$/i.exec(t))) {
    const cmd = m[1] ?? '';
    return {
      tool: 'Bash',
      target: cmd,
      apply: () => {
        try {
          return execSync(cmd, {
            cwd: CWD,
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'pipe'],
          }).trimEnd();
        } catch (e) {
          const x = e as { status?: number; stdout?: string; stderr?: string };
          return (
            `${(x.stdout ?? '') + (x.stderr ?? '')}`.trimEnd() +
            `\nError: exit code ${x.status ?? 1}`
          );
        }
      },
    };
  }
  return (
    "I'm the simulated Claude Code of Clave's test host. I can: create <file> with <text>, " +
    'append <text> to <file>, replace <old> with <new> in <file>, read <file>, delete <file>, run <command>.'
  );
}

// --- print mode
if (prompt !== undefined) {
  if (!authMethod) {
    process.stdout.write('Invalid API key · Please run /login\n');
    process.exit(1);
  }
  const req = parseRequest(prompt);
  if (typeof req === 'string') {
    process.stdout.write(req + '\n');
    process.exit(0);
  }
  if (!bypass && req.tool !== 'Read') {
    process.stdout.write(
      `I need permission to use ${req.tool} on ${req.target}; run with --dangerously-skip-permissions or allow it in settings.\n`,
    );
    process.exit(0);
  }
  try {
    process.stdout.write(req.apply() + '\n');
    process.exit(0);
  } catch (e) {
    process.stdout.write(`Error: ${(e as Error).message}\n`);
    process.exit(1);
  }
}

// --- interactive mode
if (!process.stdin.isTTY) {
  process.stderr.write(
    'Error: Raw mode is not supported on the current process.stdin, which Ink uses as input stream by default.\n' +
      'Read about how to prevent this error on https://github.com/vadimdemedes/ink/#israwmodesupported\n',
  );
  process.exit(1);
}

const ORANGE = '\x1b[38;5;174m';
const DIM = '\x1b[2m';
const BOLD = '\x1b[1m';
const RESET = '\x1b[0m';
const w = (s: string) => process.stdout.write(s.replace(/\r?\n/g, '\r\n'));

process.stdin.setRawMode(true);
process.stdin.resume();
process.stdin.setEncoding('utf8');

const keys: string[] = [];
let keyWaiter: ((k: string) => void) | undefined;
process.stdin.on('data', (chunk: string) => {
  // Split escape sequences from plain characters.
  // eslint-disable-next-line no-control-regex -- splitting terminal escape sequences
  const re = /\x1b\[[0-9;]*[A-Za-z~]|\x1b.|[\s\S]/g;
  for (const k of chunk.match(re) ?? []) {
    if (keyWaiter) {
      const f = keyWaiter;
      keyWaiter = undefined;
      f(k);
    } else keys.push(k);
  }
});
const key = (): Promise<string> => {
  const k = keys.shift();
  return k !== undefined ? Promise.resolve(k) : new Promise((r) => (keyWaiter = r));
};

function bye(code: number): never {
  w(RESET + '\n');
  process.stdin.setRawMode(false);
  process.exit(code);
}

/** A numbered menu: digits pick, arrows move, Enter confirms, Esc/Ctrl-C cancel (returns -1). */
async function menu(title: string, options: string[], initial = 0): Promise<number> {
  let sel = initial;
  const draw = () =>
    options.map((o, i) => `${i === sel ? `${ORANGE}❯` : ' '} ${i + 1}. ${o}${RESET}`).join('\n');
  w(`${title}\n\n${draw()}\n\n${DIM}Enter to confirm · Esc to exit${RESET}\n`);
  for (;;) {
    const k = await key();
    if (k === '\r' || k === '\n') return sel;
    if (k === '\x1b' || k === '\x03') return -1;
    if (k === '\x1b[A') sel = Math.max(0, sel - 1);
    else if (k === '\x1b[B') sel = Math.min(options.length - 1, sel + 1);
    else if (/^[1-9]$/.test(k) && Number(k) <= options.length) return Number(k) - 1;
  }
}

async function stall(text: string): Promise<never> {
  w(text);
  for (;;) {
    const k = await key();
    if (k === '\x03') bye(1);
  }
}

async function loginScreen(): Promise<never> {
  const choice = await menu(
    `${BOLD}Claude Code can be used with your Claude subscription or billed based on API usage through your Console account.${RESET}\n\nSelect login method:`,
    [
      'Claude account with subscription · Pro, Max, Team, or Enterprise',
      'Anthropic Console account · API usage billing',
    ],
  );
  if (choice < 0) bye(1);
  return stall(
    "\nOpening browser to sign in…\n\nBrowser didn't open? Use the url below to sign in:\n\n" +
      'https://claude.ai/oauth/authorize?code=true&client_id=9d1c250a-e61b-44d9-88ed-5944d1962f5e\n\n' +
      'Paste code here if prompted > ',
  );
}

function saveGlobal(): void {
  writeJson(GLOBAL, global);
}

async function session(): Promise<void> {
  // 1. First run: theme, then login or security notes.
  if (global.hasCompletedOnboarding !== true) {
    w(`${ORANGE}✻ Welcome to Claude Code${RESET}\n\n`);
    const t = await menu(
      "Let's get started.\n\nChoose the text style that looks best with your terminal\nTo change this later, run /theme",
      [
        'Dark mode',
        'Light mode',
        'Dark mode (colorblind-friendly)',
        'Light mode (colorblind-friendly)',
      ],
    );
    if (t < 0) bye(1);
    if (!authMethod) await loginScreen();
    w(
      `\n${BOLD}Security notes:${RESET}\n\n 1. Claude can make mistakes\n 2. Due to prompt injection risks, only use it with code you trust\n\n${DIM}Press Enter to continue…${RESET}\n`,
    );
    while ((await key()) !== '\r');
    global.hasCompletedOnboarding = true;
    global.theme = ['dark', 'light', 'dark-daltonized', 'light-daltonized'][t];
    saveGlobal();
  }
  // 2. Auth.
  if (!authMethod) await loginScreen();
  if (authMethod === 'api-key' && !keyApproved) {
    const c = await menu(
      `Detected a custom API key in your environment\n\n${BOLD}ANTHROPIC_API_KEY${RESET}: sk-ant-...${apiKey?.slice(-20)}\n\nDo you want to use this API key?`,
      ['Yes', 'No (recommended)'],
      1,
    );
    if (c !== 0) await loginScreen();
    const responses = (global.customApiKeyResponses as Json | undefined) ?? {
      approved: [],
      rejected: [],
    };
    responses.approved = [
      ...((responses.approved as string[] | undefined) ?? []),
      apiKey?.slice(-20),
    ];
    global.customApiKeyResponses = responses;
    saveGlobal();
  }
  // 3. Folder trust (never remembered for the home directory).
  const projects = (global.projects as Record<string, Json> | undefined) ?? {};
  if (CWD === HOME || projects[CWD]?.hasTrustDialogAccepted !== true) {
    const c = await menu(
      `${BOLD}Do you trust the files in this folder?${RESET}\n\n${CWD}\n\nClaude Code may read, write, or execute files contained in this directory. This can pose security risks, so only use files from trusted sources.`,
      ['Yes, proceed', 'No, exit'],
    );
    if (c !== 0) bye(1);
    if (CWD !== HOME) {
      projects[CWD] = { ...(projects[CWD] ?? {}), hasTrustDialogAccepted: true };
      global.projects = projects;
      saveGlobal();
    }
  }
  // 4. Bypass mode warning.
  const perms = (settings.permissions as Json | undefined) ?? {};
  if (
    bypass &&
    settings.skipDangerousModePermissionPrompt !== true &&
    perms.skipDangerousModePermissionPrompt !== true
  ) {
    const c = await menu(
      `${BOLD}\x1b[31mWARNING: Claude Code running in Bypass Permissions mode${RESET}\n\nIn Bypass Permissions mode, Claude Code will not ask for your approval before running potentially dangerous commands.\nThis mode should only be used in a sandboxed container/VM that has restricted internet access and can easily be restored if damaged.\n\nBy proceeding, you accept all responsibility for actions taken while running in Bypass Permissions mode.`,
      ['No, exit', 'Yes, I accept'],
    );
    if (c !== 1) bye(1);
    settings.skipDangerousModePermissionPrompt = true;
    writeJson(SETTINGS, settings);
  }
  global.numStartups = ((global.numStartups as number | undefined) ?? 0) + 1;
  saveGlobal();

  // 5. The session.
  const width = Math.max(40, Math.min(process.stdout.columns || 80, 100) - 2);
  const row = (s: string) =>
    `${ORANGE}│${RESET} ${s}${' '.repeat(Math.max(0, width - 3 - s.length))}${ORANGE}│${RESET}`;
  w(
    [
      `${ORANGE}╭${'─'.repeat(width - 2)}╮${RESET}`,
      row('✻ Welcome to Claude Code!'),
      row(''),
      row('  /help for help, /status for your current setup'),
      row(''),
      row(`  cwd: ${CWD}`),
      `${ORANGE}╰${'─'.repeat(width - 2)}╯${RESET}`,
      '',
    ].join('\n') + '\n',
  );
  if (bypass) w(`${DIM}  ⏵⏵ bypass permissions on (shift+tab to cycle)${RESET}\n`);
  let allowAll = bypass;
  for (;;) {
    const line = await readLine();
    const text = line.trim();
    if (!text) continue;
    if (text === '/exit' || text === '/quit') {
      w(`${DIM}Bye!${RESET}\n`);
      bye(0);
    }
    if (text === '/help') {
      w(
        'Simulated Claude Code: create, append, replace, read, delete, run (see the source). /status, /exit\n',
      );
      continue;
    }
    if (text === '/status') {
      w(
        `Version: ${VERSION}\ncwd: ${CWD}\nAuth: ${authMethod}\nModel: ${model}\nBypass: ${bypass}\n`,
      );
      continue;
    }
    w(`${ORANGE}✻${RESET} Thinking…\n`);
    const req = parseRequest(text);
    if (typeof req === 'string') {
      w(`⏺ ${req}\n`);
      continue;
    }
    w(`⏺ ${req.tool}(${req.target})\n`);
    if (!allowAll && req.tool !== 'Read') {
      const c = await menu(
        `Do you want to ${req.tool === 'Bash' ? 'run' : 'make this edit to'} ${req.target}?`,
        [
          'Yes',
          "Yes, and don't ask again this session",
          'No, and tell Claude what to do differently (esc)',
        ],
      );
      if (c === 1) allowAll = true;
      if (c !== 0 && c !== 1) {
        w(`  ⎿  ${DIM}User rejected the change${RESET}\n`);
        continue;
      }
    }
    try {
      const result = req.apply();
      w(`  ⎿  ${result.split('\n').join('\n     ')}\n`);
    } catch (e) {
      w(`  ⎿  Error: ${(e as Error).message}\n`);
    }
  }
}

let ctrlC = 0;
async function readLine(): Promise<string> {
  w(`\n${DIM}>${RESET} `);
  let buf = '';
  for (;;) {
    const k = await key();
    if (k === '\r' || k === '\n') {
      w('\n');
      ctrlC = 0;
      return buf;
    }
    if (k === '\x03') {
      if (buf) {
        buf = '';
        w('\n> ');
        continue;
      }
      if (++ctrlC >= 2) bye(0);
      w(`\n${DIM}Press Ctrl-C again to exit${RESET}\n> `);
      continue;
    }
    if (k === '\x04' && !buf) bye(0);
    if (k === '\x7f' || k === '\b') {
      if (buf) {
        buf = buf.slice(0, -1);
        w('\b \b');
      }
      continue;
    }
    if (k.startsWith('\x1b')) continue;
    buf += k;
    w(k);
  }
}

process.on('SIGHUP', () => process.exit(129));
session().catch((e: unknown) => {
  w(`\nError: ${(e as Error).message}\n`);
  bye(1);
});
