import { describe, expect, it } from 'vitest';
import {
  applyEvent,
  startingView,
  toolSummary,
  type AgentEvent,
  type AgentView,
} from './agent-state';
import type { HookPayload, SpoolEvent } from './spool-line';

const T0 = Date.parse('2026-01-01T00:00:00Z');
let clock = T0;
const ev = (hook: SpoolEvent['hook'], data: HookPayload = {}): AgentEvent => ({
  ts: (clock += 1000),
  hook,
  data,
  truncated: false,
});

/** Runs events from a fresh view; the last step, and every attention raised on the way. */
function run(events: AgentEvent[], from: AgentView = startingView(new Date(T0))) {
  let view = from;
  const attention: string[] = [];
  let last = { view, changed: false, attention: false };
  for (const e of events) {
    last = applyEvent(view, e);
    view = last.view;
    if (last.attention) attention.push(`${view.status.state}:${view.status.detail}`);
  }
  return { ...last, raised: attention };
}

const started = () => run([ev('SessionStart', { session_id: 'c1', source: 'startup' })]).view;

describe('the agent state machine', () => {
  it('starting → idle "ready" on SessionStart, recording Claude’s session id, no attention', () => {
    const r = run([ev('SessionStart', { session_id: 'c1', source: 'startup' })]);
    expect(r.view.status).toMatchObject({ state: 'idle', detail: 'ready' });
    expect(r.view.claudeSessionId).toBe('c1');
    expect(r).toMatchObject({ changed: true, attention: false, raised: [] });
    expect(r.view.unread).toBe(false);
    // A resume keeps the id (it is the same); one without an id keeps what was known.
    expect(run([ev('SessionStart', { source: 'resume' })], r.view).view.claudeSessionId).toBe('c1');
  });

  it('working on a prompt and on tools, with the last tool as detail', () => {
    const r = run(
      [
        ev('UserPromptSubmit'),
        ev('PreToolUse', {
          tool_name: 'Edit',
          cwd: '/srv/project',
          tool_input: { file_path: '/srv/project/app/Models/User.php' },
        }),
      ],
      started(),
    );
    expect(r.view.status).toMatchObject({ state: 'working', detail: 'Edit app/Models/User.php' });
    expect(r.raised).toEqual([]);
    const post = run(
      [
        ev('PostToolUse', {
          tool_name: 'Bash',
          tool_input: { command: 'php artisan test\necho x' },
        }),
      ],
      r.view,
    );
    expect(post.view.status.detail).toBe('Bash php artisan test');
    // The state did not change: since stays when the state began.
    expect(post.view.status.since).toBe(r.view.status.since);
  });

  it('needs-input on the dialog notifications, a permission request and AskUserQuestion', () => {
    for (const type of ['permission_prompt', 'elicitation_dialog', 'idle_prompt']) {
      const r = run(
        [
          ev('UserPromptSubmit'),
          ev('Notification', { notification_type: type, message: `m ${type}` }),
        ],
        started(),
      );
      expect(r.view.status).toMatchObject({ state: 'needs-input', detail: `m ${type}` });
      expect(r.raised).toEqual([`needs-input:m ${type}`]);
      expect(r.view.unread).toBe(true);
    }
    const other = run(
      [
        ev('UserPromptSubmit'),
        ev('Notification', { notification_type: 'auth_success', message: 'ok' }),
      ],
      started(),
    );
    expect(other.view.status.state).toBe('working');
    const perm = run(
      [ev('PermissionRequest', { tool_name: 'Bash', tool_input: { command: 'rm -rf vendor' } })],
      started(),
    );
    expect(perm.view.status).toMatchObject({
      state: 'needs-input',
      detail: 'Permission: Bash rm -rf vendor',
    });
    const ask = run(
      [
        ev('PreToolUse', {
          tool_name: 'AskUserQuestion',
          tool_input: { questions: [{ question: 'MySQL or SQLite?' }] },
        }),
      ],
      started(),
    );
    expect(ask.view.status).toMatchObject({ state: 'needs-input', detail: 'MySQL or SQLite?' });
    // The question box opening sends PermissionRequest too (2.1.332): the question stays.
    const opened = run(
      [
        ev('PermissionRequest', {
          tool_name: 'AskUserQuestion',
          tool_input: { questions: [{ question: 'MySQL or SQLite?' }] },
        }),
      ],
      ask.view,
    );
    expect(opened.view.status).toMatchObject({ state: 'needs-input', detail: 'MySQL or SQLite?' });
    const answered = run([ev('PostToolUse', { tool_name: 'AskUserQuestion' })], ask.view);
    expect(answered.view.status).toMatchObject({ state: 'working', detail: null });
  });

  it('idle on Stop with attention once, and the answer’s first line as detail', () => {
    const r = run(
      [
        ev('UserPromptSubmit'),
        ev('Stop', { last_assistant_message: '\nDone: tests pass.\nMore' }),
        ev('Stop', {}),
      ],
      started(),
    );
    expect(r.raised).toEqual(['idle:Done: tests pass.']);
    expect(r.view.status.state).toBe('idle');
  });

  it('error on StopFailure, with the error and the message', () => {
    const r = run(
      [
        ev('UserPromptSubmit'),
        ev('StopFailure', { error: 'server_error', last_assistant_message: 'API Error: 500' }),
      ],
      started(),
    );
    expect(r.view.status).toMatchObject({ state: 'error', detail: 'server_error: API Error: 500' });
    expect(r.raised).toEqual(['error:server_error: API Error: 500']);
  });

  it('exited on SessionEnd (not on /clear, which starts the next conversation) and when tmux is gone', () => {
    const clear = run(
      [
        ev('SessionEnd', { reason: 'clear' }),
        ev('SessionStart', { session_id: 'c2', source: 'clear' }),
      ],
      started(),
    );
    expect(clear.raised).toEqual([]);
    expect(clear.view.claudeSessionId).toBe('c2');
    const end = run(
      [ev('SessionEnd', { reason: 'prompt_input_exit' }), { ts: clock, hook: 'TmuxGone' }],
      started(),
    );
    expect(end.raised).toEqual(['exited:prompt_input_exit']);
    expect(end.view.status.detail).toBe('prompt_input_exit');
    const gone = run([{ ts: clock, hook: 'TmuxGone' }], started());
    expect(gone.view.status.state).toBe('exited');
    expect(gone.raised).toHaveLength(1);
  });

  it('since is the hook’s own time; details are clipped', () => {
    const r = run([ev('Stop', { last_assistant_message: 'ä'.repeat(500) })], started());
    expect(r.view.status.since).toBe(new Date(clock).toISOString());
    expect([...r.view.status.detail!]).toHaveLength(200);
    const esc = run(
      [ev('Notification', { notification_type: 'idle_prompt', message: 'a\u001b[2Jb\tc' })],
      started(),
    );
    expect(esc.view.status.detail).toBe('a [2Jb c');
  });

  it('summarises a tool by what it works on', () => {
    expect(toolSummary({ tool_name: 'Grep', tool_input: { pattern: 'User' } })).toBe('Grep User');
    expect(toolSummary({ tool_name: 'Task', tool_input: null })).toBe('Task');
    expect(toolSummary({})).toBeNull();
  });
});
