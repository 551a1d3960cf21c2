// Guest `claude` stand-in (~/.local/bin/claude, as the native installer puts it). It behaves like
// Claude Code where Clave depends on it (contracts/claude-code.md; contract/claude.int.test.ts runs
// the same tests against it and the real Claude Code):
//  - refuses --dangerously-skip-permissions (and bypassPermissions) as root unless IS_SANDBOX=1;
//  - without `hasCompletedOnboarding` in ~/.claude.json it shows the theme picker, without auth the
//    login screen, and stalls there; an unapproved ANTHROPIC_API_KEY, an untrusted folder (or $HOME)
//    and an unacknowledged bypass mode each show their dialog first;
//  - then a TUI-like session: banner, `> ` prompt, one request per line (grammar: claude/model.ts),
//    tools asking permission unless bypassed, `/exit` to quit;
//  - hooks from the settings layers with the documented stdin JSON (claude/hooks.ts): SessionStart,
//    UserPromptSubmit, Pre/PostToolUse, Notification (permission_prompt after a pending permission
//    dialog, idle_prompt after `messageIdleNotifThresholdMs` of waiting), Stop, StopFailure,
//    SessionEnd; a transcript where Claude keeps it (claude/transcript.ts); --resume/--continue;
//  - `-p <prompt>` answers once without a TUI.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname } from 'node:path';
import { answerText, askQuestion, permissionPrompt } from './claude/dialogs';
import { Hooks, settingsLayers } from './claude/hooks';
import { answer, type ToolCall } from './claude/model';
import { permissionDialog } from './claude/permissions';
import { subagentCall, type SubagentCall } from './claude/subagent';
import { projectDir, Transcript } from './claude/transcript';
import { guestTiming, take } from './timing';
import {
  BOLD,
  DIM,
  ORANGE,
  RESET,
  bye,
  key,
  menu,
  readLine,
  stall,
  startKeys,
  w,
} from './claude/tui';

const VERSION = '2.1.87';
const HOME = process.env.HOME || homedir();
const CWD = process.cwd();
const GLOBAL = `${HOME}/.claude.json`;
const SETTINGS = `${HOME}/.claude/settings.json`;
const CREDENTIALS = `${HOME}/.claude/.credentials.json`;

type Json = Record<string, unknown>;
/** The tool_result of a call the person turned down (2.1.332's words). */
const DECLINED =
  "The user doesn't want to proceed with this tool use. The tool use was rejected (eg. if it was a file edit, the new_string was NOT written to the file). STOP what you are doing and wait for the user to tell you how to proceed.";

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
let permissionMode = 'default';
let model = 'claude-sonnet-4-5';
let resumeId: string | undefined;
let continueLast = false;
let sessionIdArg: string | undefined;
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
    permissionMode = argv[++i] ?? permissionMode;
    if (permissionMode === 'bypassPermissions') bypass = true;
  } else if (a === '--model') {
    model = argv[++i] ?? model;
  } else if (a === '--resume' || a === '-r') {
    resumeId = argv[++i];
  } else if (a === '--continue' || a === '-c') {
    continueLast = true;
  } else if (a === '--session-id') {
    sessionIdArg = argv[++i];
  } else if (
    [
      '--output-format',
      '--input-format',
      '--append-system-prompt',
      '--settings',
      '--add-dir',
      '--allowedTools',
      '--disallowedTools',
    ].includes(a)
  ) {
    i++;
  } else if (['--verbose', '--debug', '--ide'].includes(a)) {
    // accepted
  } else if (a.startsWith('-')) {
    process.stderr.write(`error: unknown option '${a}'\n`);
    process.exit(1);
  }
  // A positional prompt would start the session with it; the stand-in ignores it.
}
if (bypass) permissionMode = 'bypassPermissions';

if (bypass && process.getuid?.() === 0 && process.env.IS_SANDBOX !== '1') {
  process.stderr.write(
    '--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons\n',
  );
  process.exit(1);
}

// --- state and auth
const global: Json = readJson(GLOBAL) ?? {};
const settings: Json = readJson(SETTINGS) ?? {};
// Settings `env` applies to the session, as in Claude Code (also how tests tune the sim's timers).
for (const [k, v] of Object.entries((settings.env as Json | undefined) ?? {})) {
  if (typeof v === 'string') process.env[k] = v;
}
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

// --- print mode
if (prompt !== undefined) {
  if (!authMethod) {
    process.stdout.write('Invalid API key · Please run /login\n');
    process.exit(1);
  }
  const a = answer(prompt, CWD);
  if (a.kind !== 'tool') {
    // A question cannot be answered in print mode (the real one denies the tool): it is printed.
    const text =
      a.kind === 'error'
        ? a.message
        : a.kind === 'ask'
          ? a.question
          : a.kind === 'agent'
            ? a.request
            : a.text;
    process.stdout.write(text + '\n');
    process.exit(a.kind === 'error' ? 1 : 0);
  }
  if (!bypass && a.call.tool !== 'Read') {
    process.stdout.write(
      `I need permission to use ${a.call.tool} on ${a.call.target}; run with --dangerously-skip-permissions or allow it in settings.\n`,
    );
    process.exit(0);
  }
  try {
    process.stdout.write(a.call.apply().text + '\n');
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
// Starting takes time on a real VM (the timing profile's claudeStartMs): nothing shows until then.
take('claude start', guestTiming().claudeStartMs);
// Which conversation: --resume <id> and --continue look in the cwd's transcript folder only.
const latest = continueLast ? Transcript.latest(HOME, CWD) : undefined;
const sessionId = resumeId ?? latest ?? sessionIdArg ?? randomUUID();
if (continueLast && !resumeId && !latest) {
  process.stderr.write('No conversation found to continue\n');
  process.exit(1);
}
const resumed = resumeId !== undefined || continueLast;
let idleTimer: NodeJS.Timeout | undefined;
startKeys(() => clearTimeout(idleTimer));

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

/**
 * 2.1.332 with an id whose transcript is missing, or holds no conversation it can read (not JSONL,
 * or another format): the message, a SessionEnd (reason "other") for that id, the resume hint,
 * exit 1 — and no SessionStart.
 */
async function noConversation(id: string): Promise<never> {
  w(`No conversation found with session ID: ${id}\n`);
  const hooks = new Hooks(HOME, CWD, (line) => w(line + '\n'));
  const transcript_path = `${projectDir(HOME, CWD)}/${id}.jsonl`;
  await hooks.fire('SessionEnd', { session_id: id, transcript_path, cwd: CWD, reason: 'other' });
  w(
    `\nResume this session with:\nclaude${bypass ? ' --dangerously-skip-permissions' : ''} --resume ${id}\n`,
  );
  return bye(1);
}

async function session(): Promise<void> {
  if (resumeId !== undefined && !Transcript.hasConversation(HOME, CWD, resumeId)) {
    await noConversation(resumeId);
  }
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
  const transcript = new Transcript(HOME, CWD, sessionId, VERSION);
  const hooks = new Hooks(HOME, CWD, (line) => w(line + '\n'));
  const base = () => ({
    session_id: sessionId,
    transcript_path: transcript.path,
    cwd: CWD,
  });
  const effort = { level: 'medium' };
  let promptId: string | undefined;
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
  // After --resume/--continue the earlier conversation is shown again.
  if (resumed) {
    for (const x of transcript.exchanges())
      w(x.role === 'user' ? `> ${x.text}\n` : `⏺ ${x.text}\n`); // a tool call: ⏺ Tool(target)
  }
  if (bypass) w(`${DIM}  ⏵⏵ bypass permissions on (shift+tab to cycle)${RESET}\n`);
  await hooks.fire(
    'SessionStart',
    { ...base(), source: resumed ? 'resume' : 'startup', ...(resumed ? {} : { model }) },
    resumed ? 'resume' : 'startup',
  );

  const notify = (type: string, message: string) =>
    hooks.fire(
      'Notification',
      { ...base(), prompt_id: promptId, message, notification_type: type },
      type,
    );
  // Claude Code says it is waiting after `messageIdleNotifThresholdMs` (default 60 s) without input,
  // once per finished turn. Read as each turn ends, so a test can lower it in a running session
  // (whether the real one re-reads it is not verified).
  const armIdle = () => {
    clearTimeout(idleTimer);
    const idleMs = Number(readJson(GLOBAL)?.messageIdleNotifThresholdMs ?? 60_000);
    idleTimer = setTimeout(
      () => void notify('idle_prompt', 'Claude is waiting for your input'),
      idleMs,
    );
  };
  // A permission dialog still open after this long is announced (Claude Code 2.1.332: 6 s).
  const permissionNotifyMs = Number(process.env.CLAUDE_SIM_PERMISSION_NOTIFY_MS ?? 6000);

  const end = async (reason: string, code: number): Promise<never> => {
    clearTimeout(idleTimer);
    await hooks.fire('SessionEnd', { ...base(), prompt_id: promptId, reason }, reason);
    w(
      `\n${DIM}Resume this session with:${RESET}\nclaude${bypass ? ' --dangerously-skip-permissions' : ''} --resume ${sessionId}\n`,
    );
    return bye(code);
  };
  process.on('SIGHUP', () => void end('other', 129));

  const turnEnd = async (text: string) => {
    w(`⏺ ${text}\n`);
    transcript.assistant([{ type: 'text', text }], model);
    await hooks.fire('Stop', {
      ...base(),
      prompt_id: promptId,
      permission_mode: permissionMode,
      effort,
      stop_hook_active: false,
      last_assistant_message: text,
      background_tasks: [],
      session_crons: [],
    });
    armIdle();
  };

  const submit = async (text: string) => {
    promptId = randomUUID();
    transcript.user(text, permissionMode, promptId);
    await hooks.fire('UserPromptSubmit', {
      ...base(),
      prompt_id: promptId,
      permission_mode: permissionMode,
      prompt: text,
    });
  };

  let allowAll = bypass;
  for (;;) {
    const line = await readLine();
    if (line === undefined) return end('prompt_input_exit', 0);
    const text = line.trim();
    if (!text) continue;
    clearTimeout(idleTimer);
    if (text === '/exit' || text === '/quit') return end('prompt_input_exit', 0);
    if (text === '/help') {
      w(
        'Simulated Claude Code: say, create, append, replace, read, delete, run, ask, agent, fail. /status, /exit\n',
      );
      continue;
    }
    if (text === '/status') {
      w(
        `Version: ${VERSION}\ncwd: ${CWD}\nAuth: ${authMethod}\nModel: ${model}\nBypass: ${bypass}\nSession: ${sessionId}\n`,
      );
      continue;
    }
    await submit(text);
    w(`${ORANGE}✻${RESET} Thinking…\n`);
    const a = answer(text, CWD);
    if (a.kind === 'text') {
      await turnEnd(a.text);
      continue;
    }
    if (a.kind === 'error') {
      w(`⏺ ${a.message}\n\n${DIM}Resend your message to try again${RESET}\n`);
      transcript.assistant([{ type: 'text', text: a.message }], model);
      await hooks.fire(
        'StopFailure',
        {
          ...base(),
          prompt_id: promptId,
          effort,
          error: a.error,
          last_assistant_message: a.message,
        },
        a.error,
      );
      armIdle();
      continue;
    }
    const toolUseId = `toolu_${randomUUID().replace(/-/g, '').slice(0, 24)}`;
    const toolBase = { ...base(), prompt_id: promptId, permission_mode: permissionMode, effort };
    const session = { home: HOME, cwd: CWD, sessionId, version: VERSION, model };
    let agent: SubagentCall | undefined;
    let call: ToolCall;
    if (a.kind === 'agent') call = agent = subagentCall(a.request, session);
    else call = a.call;
    if (a.kind !== 'ask') w(`⏺ ${call.tool}(${call.target})\n`);
    transcript.assistant(
      [{ type: 'tool_use', id: toolUseId, name: call.tool, input: call.input }],
      model,
    );
    await hooks.fire(
      'PreToolUse',
      { ...toolBase, tool_name: call.tool, tool_input: call.input, tool_use_id: toolUseId },
      call.tool,
    );
    // A dialog (a question, or a call that still needs permission) is announced to hooks when it
    // opens, and by a Notification only if still open after `permissionNotifyMs`.
    const dialog =
      a.kind === 'ask' || (allowAll && !bypass)
        ? undefined
        : permissionDialog(call, {
            bypass,
            layers: settingsLayers(HOME, CWD),
            cwd: CWD,
            home: HOME,
          });
    const opened = async () => {
      const suggestions = dialog?.suggestions ? { permission_suggestions: dialog.suggestions } : {};
      await hooks.fire(
        'PermissionRequest',
        { ...toolBase, tool_name: call.tool, tool_input: call.input, ...suggestions },
        call.tool,
      );
      return setTimeout(
        () => void notify('permission_prompt', 'Claude needs your permission'),
        permissionNotifyMs,
      );
    };
    const declined = (shown: string) => {
      w(shown);
      transcript.user(
        [{ type: 'tool_result', tool_use_id: toolUseId, content: DECLINED, is_error: true }],
        permissionMode,
      );
    };
    const started = Date.now();
    let result: { text: string; response: Record<string, unknown> };
    let input = call.input;
    let said = 'Done.';
    if (a.kind === 'ask') {
      const questions = call.input.questions as Parameters<typeof askQuestion>[0][];
      const q = questions[0]!;
      const pending = await opened();
      const reply = await askQuestion(q);
      clearTimeout(pending);
      const labels = q.options.map((o) => o.label);
      if (reply === undefined) {
        // 2.1.332: no PostToolUse and no Stop; the turn just ends.
        declined(
          `⏺ Declined to answer Claude's questions:\n  ⎿  · ${a.question} (${labels.join(' / ')})\n`,
        );
        continue;
      }
      w(`⏺ Answered Claude's questions:\n  ⎿  · ${a.question} → ${reply}\n`);
      const answers = { [a.question]: reply };
      input = { ...call.input, answers, annotations: {} };
      result = {
        text: answerText(a.question, reply, !labels.includes(reply)),
        response: { questions, answers, annotations: {} },
      };
      said = `You answered: ${reply}`;
    } else {
      if (dialog) {
        const pending = await opened();
        const c = await permissionPrompt(call, dialog);
        clearTimeout(pending);
        if (c === 1 && dialog.options.length === 3) allowAll = true;
        if (c !== 0 && !(c === 1 && dialog.options.length === 3)) {
          // No or Esc (2.1.332): the call is not run and the turn ends without a Stop.
          declined(`  ⎿  ${DIM}Interrupted · What should Claude do instead?${RESET}\n`);
          continue;
        }
      }
      try {
        result = call.apply();
      } catch (e) {
        result = {
          text: `Error: ${(e as Error).message}`,
          response: { error: (e as Error).message },
        };
      }
      w(`  ⎿  ${result.text.split('\n').join('\n     ')}\n`);
    }
    transcript.user(
      [{ type: 'tool_result', tool_use_id: toolUseId, content: result.text }],
      permissionMode,
    );
    await hooks.fire(
      'PostToolUse',
      {
        ...toolBase,
        tool_name: call.tool,
        tool_input: input,
        tool_response: result.response,
        tool_use_id: toolUseId,
        duration_ms: Date.now() - started,
      },
      call.tool,
    );
    await turnEnd(said);
    // A background subagent that finished reports back as the next prompt (2.1.332).
    const note = agent?.notification();
    if (note) {
      await submit(note.prompt);
      await turnEnd(note.answer);
    }
  }
}

session().catch((e: unknown) => {
  w(`\nError: ${(e as Error).message}\n`);
  bye(1);
});
