// The Claude Code contract Clave relies on (../shared/contracts/claude-code.md §3, §8, §9), stated
// as tests and run against both the simulated Claude (guest/claude.ts) and the real Claude Code
// from npm (pinned, cached, see claude-install.ts), each inside a simulated VM as the VM user in
// /srv/project, configured and launched by RunClaudeCode itself. Only what is observable without
// the model: the real Claude talks to fake-anthropic.ts on the gateway and has no route out.
// CLAVE_CONTRACT_CLAUDE=simulated|real picks one target (default: both).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claudeDriver } from '../guest/claude-driver';
import { createSimHost, type SimHost } from '../harness';
import { ensureRealClaude, type RealClaude } from './claude-install';
import {
  ASK_RULE,
  IDLE_MS,
  bootClaudeVm,
  runClaudeCodeStep,
  type ClaudeVm,
  type HookRun,
} from './claude-vm';
import { startFakeAnthropic, type FakeAnthropic } from './fake-anthropic';

const KINDS = (process.env.CLAVE_CONTRACT_CLAUDE || 'simulated,real').split(',');
const real = KINDS.includes('real') ? await ensureRealClaude() : undefined;
if (real?.ok && real.claude.installMs) {
  console.info(
    `[claude contract] installed Claude Code ${real.claude.version} in ${real.claude.installMs} ms`,
  );
}
if (real && !real.ok) {
  // The one acceptable skip: nothing cached and no registry to install from.
  console.warn(`[claude contract] the real Claude Code is skipped: ${real.reason}`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TRANSCRIPTS = '/home/admin/.claude/projects/-srv-project';
const FIRST_RUN =
  /Choose the text style|Select login method|Security notes|Do you trust the files|Do you want to use this API key|Bypass Permissions mode|Yes, I accept/;

interface TranscriptLine {
  type?: string;
  timestamp: string;
  message?: { role?: string; content?: string | Array<{ type?: string; text?: string }> };
}

const targets = [
  ...(KINDS.includes('simulated') ? [{ kind: 'simulated', claude: undefined, skip: false }] : []),
  ...(real
    ? [
        {
          kind: `real ${real.ok ? real.claude.version : ''}`,
          claude: real.ok ? real.claude : undefined,
          skip: !real.ok,
        },
      ]
    : []),
] as Array<{ kind: string; claude: RealClaude | undefined; skip: boolean }>;

describe.each(targets)('claude contract ($kind)', ({ claude, skip }) => {
  let sim: SimHost;
  let api: FakeAnthropic;
  let a: ClaudeVm;
  let sessionId: string;
  const ev =
    (tag: string, extra: (e: HookRun) => boolean = () => true) =>
    (e: HookRun) =>
      e.tag === tag && extra(e);

  beforeAll(async () => {
    if (skip) return;
    sim = await createSimHost();
    // A model's latency: with instant answers 2.1.332 behaves unlike in real use (idle_prompt
    // almost never comes; see claude-code-2.1.332.md).
    api = await startFakeAnthropic({ latencyMs: claude ? 1500 : 0 });
    a = await bootClaudeVm(sim, 'clave-contract-claude-a', { apiUrl: api.url, real: claude });
  }, 120_000);
  afterAll(async () => {
    // CLAVE_CONTRACT_DUMP=<dir>: every hook payload seen, for updating the contract text.
    if (process.env.CLAVE_CONTRACT_DUMP && a) {
      const file = join(
        process.env.CLAVE_CONTRACT_DUMP,
        `hooks-${claude ? 'real' : 'simulated'}.jsonl`,
      );
      writeFileSync(file, (await a.events()).map((e) => JSON.stringify(e)).join('\n') + '\n');
    }
    await api?.close();
    await sim?.cleanup();
  }, 120_000);

  it.skipIf(skip)(
    'Clave’s config reaches the prompt with no first-run dialog',
    async () => {
      await runClaudeCodeStep(a);
      const screen = await a.waitScreen(/bypass permissions on/, { timeoutMs: 60_000 });
      expect(screen).toContain('/srv/project');
      expect(screen).not.toMatch(FIRST_RUN);
      // Claude rewrites ~/.claude.json while it runs; what stops the dialogs must survive that.
      const state = JSON.parse(await a.sh('cat .claude.json')) as {
        hasCompletedOnboarding?: boolean;
        projects: Record<string, { hasTrustDialogAccepted?: boolean }>;
      };
      expect(state.hasCompletedOnboarding).toBe(true);
      expect(state.projects['/srv/project']?.hasTrustDialogAccepted).toBe(true);
    },
    90_000,
  );

  it.skipIf(skip)(
    'SessionStart: source startup, the session id, its transcript path, the model',
    async () => {
      await a.installHooks();
      await a.relaunch();
      await a.waitScreen(/bypass permissions on/);
      const start = await a.waitEvent(ev('SessionStart'), 'SessionStart');
      sessionId = start.payload.session_id as string;
      expect(sessionId).toMatch(UUID);
      expect(start.payload).toMatchObject({
        hook_event_name: 'SessionStart',
        source: 'startup',
        cwd: '/srv/project',
        transcript_path: `${TRANSCRIPTS}/${sessionId}.jsonl`,
        model: expect.any(String),
      });
      // The hook runs in the project with $CLAUDE_PROJECT_DIR set.
      expect(start.projectDir).toBe('/srv/project');
      expect(start.pwd).toBe('/srv/project');
    },
    60_000,
  );

  it.skipIf(skip)(
    'a turn: UserPromptSubmit, then Stop with the answer; project hooks run too; a slow hook is cut at its timeout',
    async () => {
      await a.type('say hello from the contract');
      const stop = await a.waitEvent(ev('Stop'), 'Stop');
      const submit = (await a.events()).find(ev('UserPromptSubmit'))!;
      expect(submit.payload).toMatchObject({
        hook_event_name: 'UserPromptSubmit',
        session_id: sessionId,
        permission_mode: 'bypassPermissions',
        prompt: 'say hello from the contract',
        prompt_id: expect.any(String),
      });
      expect(stop.payload).toMatchObject({
        hook_event_name: 'Stop',
        session_id: sessionId,
        prompt_id: submit.payload.prompt_id,
        stop_hook_active: false,
        last_assistant_message: 'hello from the contract',
      });
      await a.waitScreen(/hello from the contract[\s\S]*hello from the contract/); // prompt + answer
      await a.waitEvent(ev('ProjectStop'), 'the project layer’s Stop hook');
      // The UserPromptSubmit hook that sleeps 8 s has a 1 s timeout: the turn does not wait for it
      // (and it is killed: its `late` line never comes, checked in later tests). The bound leaves
      // room for a loaded machine (1 s timeout + 1.5 s API latency took up to 5.6 s here).
      expect(await a.screen()).toMatch(/UserPromptSubmit hook \[.*\] timed out after 1s/);
      expect(stop.t - submit.t).toBeLessThan(7_000);
    },
    60_000,
  );

  it.skipIf(skip)(
    'a tool call: PreToolUse/PostToolUse with the tool’s name, input and response; matchers filter',
    async () => {
      await a.type('run echo tool-ran > tool.txt');
      const post = await a.waitEvent(ev('PostToolUse'), 'PostToolUse');
      const pre = (await a.events()).find(ev('PreToolUse'))!;
      expect(pre.payload).toMatchObject({
        hook_event_name: 'PreToolUse',
        session_id: sessionId,
        permission_mode: 'bypassPermissions',
        tool_name: 'Bash',
        tool_input: { command: 'echo tool-ran > tool.txt' },
        tool_use_id: expect.any(String),
      });
      expect(post.payload).toMatchObject({
        hook_event_name: 'PostToolUse',
        tool_name: 'Bash',
        tool_use_id: pre.payload.tool_use_id,
        tool_response: { stdout: '', stderr: '', interrupted: false },
      });
      await a.waitEvent(
        ev('Stop', (e) => e.payload.prompt_id === pre.payload.prompt_id),
        'Stop after the tool',
      );
      expect(await a.sh('cat /srv/project/tool.txt')).toBe('tool-ran\n');
      expect((await a.events()).some(ev('never'))).toBe(false);
    },
    60_000,
  );

  it.skipIf(skip)(
    'AskUserQuestion: PreToolUse, PermissionRequest as the question opens, permission_prompt only after 6 s, the answer in PostToolUse, then Stop',
    async () => {
      const before = (await a.events()).length;
      await a.type('ask Which colour do you like?');
      const opened = await a.waitEvent(
        ev('PermissionRequest'),
        'PermissionRequest',
        20_000,
        before,
      );
      const question = {
        question: 'Which colour do you like?',
        header: 'Question',
        options: [
          { label: 'Yes', description: 'Go ahead.' },
          { label: 'No', description: 'Do not.' },
        ],
        multiSelect: false,
      };
      expect(opened.payload).toMatchObject({
        hook_event_name: 'PermissionRequest',
        session_id: sessionId,
        permission_mode: 'bypassPermissions',
        tool_name: 'AskUserQuestion',
        tool_input: { questions: [question] },
      });
      const seen = (await a.events()).slice(before);
      const pre = seen.find(ev('PreToolUse', (e) => e.payload.tool_name === 'AskUserQuestion'));
      expect(pre?.payload.prompt_id).toBe(opened.payload.prompt_id);
      await a.waitScreen(
        /Which colour do you like\?[\s\S]*1\. Yes[\s\S]*2\. No[\s\S]*Type something/,
      );
      const notice = await a.waitEvent(ev('Notification'), 'Notification', 20_000, before);
      expect(notice.payload).toMatchObject({
        notification_type: 'permission_prompt',
        message: 'Claude needs your permission',
      });
      expect(notice.t - opened.t).toBeGreaterThanOrEqual(5_500);
      // Enter takes the highlighted (first) option.
      await a.keys(['Enter']);
      const post = await a.waitEvent(ev('PostToolUse'), 'PostToolUse', 20_000, before);
      const answers = { 'Which colour do you like?': 'Yes' };
      expect(post.payload).toMatchObject({
        tool_name: 'AskUserQuestion',
        tool_use_id: pre?.payload.tool_use_id,
        tool_input: { questions: [question], answers },
        tool_response: { questions: [question], answers },
      });
      const stop = await a.waitEvent(ev('Stop'), 'Stop', 20_000, before);
      expect(stop.payload.last_assistant_message).toBe('You answered: Yes');
      await a.waitScreen(/Which colour do you like\? → Yes/);
    },
    60_000,
  );

  it.skipIf(skip)(
    'AskUserQuestion: “Type something.” takes a typed answer; Esc declines, and the turn ends with no PostToolUse and no Stop',
    async () => {
      let before = (await a.events()).length;
      await a.type('ask Which fruit?');
      await a.waitEvent(ev('PermissionRequest'), 'PermissionRequest', 20_000, before);
      await a.waitScreen(/Which fruit\?[\s\S]*Type something/);
      await a.keys(['3']);
      await a.type('plums');
      const post = await a.waitEvent(ev('PostToolUse'), 'PostToolUse', 20_000, before);
      expect(post.payload.tool_response).toMatchObject({ answers: { 'Which fruit?': 'plums' } });
      const stop = await a.waitEvent(ev('Stop'), 'Stop', 20_000, before);
      expect(stop.payload.last_assistant_message).toBe('You answered: plums');

      before = (await a.events()).length;
      await a.type('ask Shall I go on?');
      const opened = await a.waitEvent(
        ev('PermissionRequest'),
        'PermissionRequest',
        20_000,
        before,
      );
      await a.waitScreen(/Shall I go on\?[\s\S]*Type something/);
      await a.keys(['Escape']);
      await a.waitScreen(/Declined to answer Claude.s questions/);
      await new Promise((r) => setTimeout(r, 2_000));
      const after = (await a.events())
        .slice(before)
        .filter((e) => e.payload.prompt_id === opened.payload.prompt_id)
        .map((e) => e.tag);
      expect(after).not.toContain('PostToolUse');
      expect(after).not.toContain('Stop');
    },
    60_000,
  );

  it.skipIf(skip)(
    `bypass mode still asks for a permissions.ask rule (${ASK_RULE}): PermissionRequest, 1 runs it, 2 refuses and ends the turn with no Stop`,
    async () => {
      let before = (await a.events()).length;
      await a.type('run echo asked > asked.txt');
      const opened = await a.waitEvent(
        ev('PermissionRequest'),
        'PermissionRequest',
        20_000,
        before,
      );
      expect(opened.payload).toMatchObject({
        hook_event_name: 'PermissionRequest',
        session_id: sessionId,
        permission_mode: 'bypassPermissions',
        tool_name: 'Bash',
        tool_input: { command: 'echo asked > asked.txt' },
      });
      await a.waitScreen(
        /Rule Bash\(echo asked:\*\) from user settings says to ask[\s\S]*1\. Yes[\s\S]*2\. No/,
      );
      await a.keys(['1']);
      await a.waitEvent(ev('Stop'), 'Stop', 20_000, before);
      expect(await a.sh('cat /srv/project/asked.txt')).toBe('asked\n');

      before = (await a.events()).length;
      await a.type('run echo asked again > refused.txt');
      const again = await a.waitEvent(ev('PermissionRequest'), 'PermissionRequest', 20_000, before);
      await a.waitScreen(/echo asked again[\s\S]*2\. No/);
      await a.keys(['2']);
      await a.waitScreen(/Interrupted · What should Claude do instead\?/);
      await new Promise((r) => setTimeout(r, 2_000));
      const after = (await a.events())
        .slice(before)
        .filter((e) => e.payload.prompt_id === again.payload.prompt_id)
        .map((e) => e.tag);
      expect(after).not.toContain('Stop');
      expect(await a.sh('test -e /srv/project/refused.txt && echo yes || echo no')).toBe('no\n');
    },
    60_000,
  );

  it.skipIf(skip)(
    'bypass mode writes Claude’s own config (~/.claude/, the project’s .claude/) without a dialog',
    async () => {
      const before = (await a.events()).length;
      await a.type('create /home/admin/.claude/notes.md with own config');
      await a.waitEvent(ev('Stop'), 'Stop', 20_000, before);
      const mid = (await a.events()).length;
      await a.type('create .claude/commands/hello.md with say hello');
      await a.waitEvent(ev('Stop'), 'Stop', 20_000, mid);
      expect((await a.events()).slice(before).some(ev('PermissionRequest'))).toBe(false);
      expect(await a.sh('cat .claude/notes.md /srv/project/.claude/commands/hello.md')).toBe(
        'own config\nsay hello\n',
      );
    },
    60_000,
  );

  it.skipIf(skip)(
    'a subagent runs in the background: PostToolUse async_launched, Stop, then a <task-notification> turn; only now does the sidecar <session_id>/subagents/ exist',
    async () => {
      const sidecar = `${TRANSCRIPTS}/${sessionId}`;
      expect(await a.sh(`test -e ${sidecar} && echo yes || echo no`)).toBe('no\n');
      const before = (await a.events()).length;
      await a.type('agent say inner words');
      const post = await a.waitEvent(
        ev('PostToolUse', (e) => e.payload.tool_name === 'Agent'),
        'PostToolUse of the Agent tool',
        30_000,
        before,
      );
      expect(post.payload).toMatchObject({
        tool_input: { prompt: 'say inner words', subagent_type: 'general-purpose' },
        tool_response: { isAsync: true, status: 'async_launched', agentId: expect.any(String) },
      });
      await a.waitEvent(
        ev('Stop', (e) => e.payload.prompt_id === post.payload.prompt_id),
        'Stop of the turn that launched it',
        30_000,
        before,
      );
      const note = await a.waitEvent(
        ev('UserPromptSubmit', (e) => String(e.payload.prompt).startsWith('<task-notification>')),
        'the task notification',
        30_000,
        before,
      );
      await a.waitEvent(
        ev('Stop', (e) => e.payload.prompt_id === note.payload.prompt_id),
        'Stop after the task notification',
        30_000,
        before,
      );
      const agentId = (post.payload.tool_response as { agentId: string }).agentId;
      const files = await a.sh(`ls ${sidecar}/subagents`);
      expect(files.split('\n').filter(Boolean).sort()).toEqual([
        `agent-${agentId}.jsonl`,
        `agent-${agentId}.meta.json`,
      ]);
      expect(await a.sh(`cat ${sidecar}/subagents/agent-${agentId}.jsonl`)).toContain(
        'say inner words',
      );
    },
    60_000,
  );

  // Simulator-only: what other suites use instead of hooks of their own (guest/claude-driver.ts).
  it.skipIf(skip || claude !== undefined)(
    'the simulated Claude records every hook event it emits; the driver waits on that record',
    async () => {
      const driver = claudeDriver(a.sh);
      const mark = await driver.mark();
      const spooled = (await a.events()).length;
      await driver.type('say on the record');
      const stop = await driver.waitEvent('Stop', { after: mark });
      expect(stop.payload).toMatchObject({
        session_id: sessionId,
        last_assistant_message: 'on the record',
      });
      const submit = await driver.waitEvent('UserPromptSubmit', { after: mark });
      // The same payloads the configured hooks got on stdin.
      const hooked = (await a.events()).slice(spooled);
      expect(hooked.find(ev('UserPromptSubmit'))?.payload).toEqual(submit.payload);
      expect(hooked.find(ev('Stop'))?.payload).toEqual(stop.payload);
    },
  );

  // The real 2.1.332 sends idle_prompt in some runs for every turn and in others for none (see
  // claude-code-2.1.332.md): held to it on the simulated Claude only, until that is understood.
  it.skipIf(skip || claude !== undefined)(
    'idle: Notification idle_prompt after messageIdleNotifThresholdMs without input',
    async () => {
      const before = (await a.events()).length;
      await a.type('say waiting now');
      const lastStop = await a.waitEvent(ev('Stop'), 'Stop', 20_000, before);
      const idle = await a.waitEvent(
        ev('Notification'),
        'Notification idle_prompt',
        IDLE_MS + 10_000,
        before,
      );
      expect(idle.payload).toMatchObject({
        hook_event_name: 'Notification',
        session_id: sessionId,
        notification_type: 'idle_prompt',
        message: 'Claude is waiting for your input',
      });
      expect(idle.t - lastStop.t).toBeGreaterThanOrEqual(IDLE_MS - 500);
      // Every slow UserPromptSubmit hook so far was killed at its 1 s timeout.
      expect((await a.events()).some(ev('late'))).toBe(false);
    },
    90_000,
  );

  it.skipIf(skip)(
    'a turn that ends on an API error: StopFailure (not Stop) with the error',
    async () => {
      await a.type('fail');
      const failure = await a.waitEvent(ev('StopFailure'), 'StopFailure');
      expect(failure.payload).toMatchObject({
        hook_event_name: 'StopFailure',
        session_id: sessionId,
        error: 'server_error',
        last_assistant_message: expect.stringMatching(/^API Error: 500 /),
      });
      const stops = (await a.events()).filter(
        ev('Stop', (e) => e.payload.prompt_id === failure.payload.prompt_id),
      );
      expect(stops).toEqual([]);
    },
    60_000,
  );

  it.skipIf(skip)(
    '/exit: SessionEnd with reason prompt_input_exit, and the resume command on screen',
    async () => {
      await a.type('/exit');
      const end = await a.waitEvent(ev('SessionEnd'), 'SessionEnd');
      expect(end.payload).toMatchObject({
        hook_event_name: 'SessionEnd',
        session_id: sessionId,
        reason: 'prompt_input_exit',
      });
      await a.waitScreen(new RegExp(`claude --dangerously-skip-permissions --resume ${sessionId}`));
      // Every slow UserPromptSubmit hook of this session (8 s sleep, 1 s timeout) was killed.
      expect((await a.events()).some(ev('late'))).toBe(false);
    },
    60_000,
  );

  it.skipIf(skip)(
    'the transcript is ~/.claude/projects/-srv-project/<session_id>.jsonl, one JSON object per line',
    async () => {
      const lines = (await a.sh(`cat ${TRANSCRIPTS}/${sessionId}.jsonl`))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as TranscriptLine);
      const user = lines.find(
        (l) => l.type === 'user' && l.message?.content === 'say hello from the contract',
      );
      expect(user).toMatchObject({
        sessionId,
        cwd: '/srv/project',
        uuid: expect.stringMatching(UUID),
      });
      expect(Date.parse(user!.timestamp)).not.toBeNaN();
      const answer = lines.find(
        (l) =>
          l.type === 'assistant' &&
          Array.isArray(l.message?.content) &&
          l.message.content.some((b) => b.type === 'text' && b.text === 'hello from the contract'),
      );
      expect(answer).toMatchObject({
        sessionId,
        cwd: '/srv/project',
        message: { role: 'assistant' },
      });
    },
  );

  it.skipIf(skip)(
    '--continue resumes the cwd’s latest conversation: SessionStart source resume, same id',
    async () => {
      const before = (await a.events()).length;
      await a.launch(['--dangerously-skip-permissions', '--continue']);
      // The earlier conversation is shown again, up to its last (failed) turn.
      // (Only the recent part: with this many turns 2.1.332 showed the last ~7, not the question.)
      await a.waitScreen(/fail[\s\S]*API Error: 500[\s\S]*bypass permissions on/);
      const start = await a.waitEvent(ev('SessionStart'), 'SessionStart', 20_000, before);
      expect(start.payload).toMatchObject({ source: 'resume', session_id: sessionId });
      await a.type('say continued here');
      await a.waitEvent(ev('Stop'), 'Stop after --continue', 20_000, before);
      await a.type('/exit');
      await a.waitEvent(ev('SessionEnd'), 'SessionEnd', 20_000, before);
    },
    60_000,
  );

  it.skipIf(skip)(
    'without bypass, a tool that needs permission raises Notification permission_prompt',
    async () => {
      await a.launch(['--permission-mode', 'default']);
      await a.waitScreen(/Welcome to Claude Code|Claude Code v/);
      const before = (await a.events()).length;
      await a.type('run echo denied > denied.txt');
      const opened = await a.waitEvent(
        ev('PermissionRequest'),
        'PermissionRequest',
        20_000,
        before,
      );
      expect(opened.payload).toMatchObject({
        permission_mode: 'default',
        tool_name: 'Bash',
        tool_input: { command: 'echo denied > denied.txt' },
        permission_suggestions: [
          { type: 'addDirectories', directories: ['/srv/project'], destination: 'session' },
        ],
      });
      const n = await a.waitEvent(
        ev('Notification', (e) => e.payload.notification_type === 'permission_prompt'),
        'Notification permission_prompt',
        20_000,
        before,
      );
      expect(n.payload).toMatchObject({
        hook_event_name: 'Notification',
        message: 'Claude needs your permission',
      });
      expect(await a.screen()).toMatch(/Do you want to/);
      await a.keys(['Escape']);
      expect(await a.sh('test -e /srv/project/denied.txt && echo yes || echo no')).toBe('no\n');
      await a.type('/exit');
    },
    60_000,
  );

  it.skipIf(skip)(
    '--resume <id> in another VM, with the transcript copied to the same path, shows the conversation',
    async () => {
      const b = await bootClaudeVm(sim, 'clave-contract-claude-b', {
        apiUrl: api.url,
        real: claude,
      });
      await runClaudeCodeStep(b);
      await b.waitScreen(/bypass permissions on/, { timeoutMs: 60_000 });
      await b.installHooks();
      const jsonl = await a.sh(`cat ${TRANSCRIPTS}/${sessionId}.jsonl`);
      await b.sh(`mkdir -p ${TRANSCRIPTS}`);
      await b.ssh.writeFile(`${TRANSCRIPTS}/${sessionId}.jsonl`, jsonl);
      await b.launch(['--dangerously-skip-permissions', '--resume', sessionId]);
      await b.waitScreen(/continued here[\s\S]*continued here[\s\S]*bypass permissions on/);
      const start = await b.waitEvent(ev('SessionStart'), 'SessionStart in the second VM');
      expect(start.payload).toMatchObject({ source: 'resume', session_id: sessionId });
      await b.type('say resumed elsewhere');
      await b.waitEvent(ev('Stop'), 'Stop in the second VM');
      // The conversation goes on in the same file.
      expect(await b.sh(`cat ${TRANSCRIPTS}/${sessionId}.jsonl`)).toContain('resumed elsewhere');
      // An unknown id is refused.
      await b.launch(['--resume', '00000000-0000-4000-8000-000000000000']);
      await b.waitScreen(
        /No conversation found with session ID: 00000000-0000-4000-8000-000000000000/,
      );
      // A transcript --resume cannot read (not JSONL, or JSON lines of another shape): the same
      // refusal, exit 1, a SessionEnd (reason other) for that id and no SessionStart.
      for (const [id, text] of [
        ['00000000-0000-4000-8000-00000000000a', 'this is not json\n{"type":"user","broken\n'],
        ['00000000-0000-4000-8000-00000000000b', '{"kind":"message","body":"hello"}\n'],
      ] as const) {
        await b.ssh.writeFile(`${TRANSCRIPTS}/${id}.jsonl`, text);
        const before = (await b.events()).length;
        const { code, screen } = await b.runToExit([
          '--dangerously-skip-permissions',
          '--resume',
          id,
        ]);
        expect(screen).toContain(`No conversation found with session ID: ${id}`);
        expect(code).toBe(1);
        const end = await b.waitEvent(
          ev('SessionEnd', (e) => e.payload.session_id === id),
          'SessionEnd of the failed resume',
          20_000,
          before,
        );
        expect(end.payload).toMatchObject({ reason: 'other' });
        expect((await b.events()).slice(before).some(ev('SessionStart'))).toBe(false);
      }
    },
    120_000,
  );

  it.skipIf(skip || !claude)('the real Claude asked the fake Messages API on the gateway', () => {
    const turns = api.requests.filter((r) => r.path === '/v1/messages' && r.stream);
    expect(turns.map((r) => r.lastUser)).toContain('say hello from the contract');
    expect(turns[0]?.userAgent).toContain(`claude-cli/${claude?.version}`);
  });
});
