// Folding spool batches into a session record (real SQLite): one write per batch, the faces told
// in order after it, attention once per change into a state that may need the person.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../../../shared/api';
import type { SessionSummary } from '../../../../shared/session';
import { openDatabase } from '../../store/database';
import { SessionsRepository } from '../../store/sessions-repository';
import { AgentAttention } from './agent-attention';
import type { SpoolEvent } from './spool-line';

const dir = mkdtempSync(path.join(tmpdir(), 'clave-attn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function setup(state: 'running' | 'stopping' = 'running') {
  const db = openDatabase(path.join(dir, `db${n++}.sqlite`));
  const sessions = new SessionsRepository(db);
  sessions.create({ id: 'a1b2c3d4', projectDir: '/p/app', projectName: 'app' });
  sessions.transition('a1b2c3d4', 'running');
  if (state === 'stopping') sessions.transition('a1b2c3d4', 'stopping');
  const updated: SessionSummary[] = [];
  const attention: EventPayload<'session.attention'>[] = [];
  const writes: string[] = [];
  const spy = new Proxy(sessions, {
    get(target, prop, receiver) {
      if (prop === 'update') writes.push('update');
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  const a = new AgentAttention(
    'a1b2c3d4',
    {
      sessions: spy,
      updated: (s) => updated.push(s),
      attention: (e) => attention.push(e),
      log: () => {},
    },
    new AbortController().signal,
  );
  return { a, sessions, updated, attention, writes };
}

let ts = 1_800_000_000_000;
const ev = (hook: SpoolEvent['hook'], data: SpoolEvent['data'] = {}): SpoolEvent => ({
  ts: (ts += 1000),
  hook,
  data,
  truncated: false,
});

describe('AgentAttention', () => {
  it('stores status and offset in one write per batch, then tells each state in order', () => {
    const t = setup();
    t.a.applyBatch({ events: [ev('SessionStart', { session_id: 'c-1' })], offset: 100 });
    const turn = [
      ev('UserPromptSubmit'),
      ev('PreToolUse', { tool_name: 'Write', tool_input: { file_path: 'a.php' } }),
      ev('PostToolUse', { tool_name: 'Write', tool_input: { file_path: 'a.php' } }),
      ev('PreToolUse', { tool_name: 'Bash', tool_input: { command: 'php artisan test' } }),
      ev('Stop', { last_assistant_message: 'All green.' }),
    ];
    t.writes.length = 0;
    t.a.applyBatch({ events: turn, offset: 900 });
    expect(t.writes).toEqual(['update']);
    const r = t.sessions.get('a1b2c3d4')!;
    expect(r).toMatchObject({
      spoolOffset: 900,
      claudeSessionId: 'c-1',
      unread: true,
      agent: { state: 'idle', detail: 'All green.', since: new Date(ts).toISOString() },
    });
    expect(t.updated.map((u) => `${u.agent?.state}:${u.agent?.detail}`)).toEqual([
      'idle:ready',
      'working:Bash php artisan test',
      'idle:All green.',
    ]);
    expect(t.attention).toEqual([
      { sessionId: 'a1b2c3d4', projectName: 'app', state: 'idle', detail: 'All green.' },
    ]);
  });

  it('moves the offset over lines that change nothing, telling no one', () => {
    const t = setup();
    t.a.applyBatch({ events: [ev('SessionStart', { session_id: 'c-1' })], offset: 10 });
    t.updated.length = 0;
    t.a.applyBatch({ events: [], offset: 50 }); // garbage lines only
    t.a.applyBatch({
      events: [ev('Notification', { notification_type: 'auth_success' })],
      offset: 80,
    });
    expect(t.sessions.get('a1b2c3d4')!.spoolOffset).toBe(80);
    expect(t.updated).toEqual([]);
  });

  it('tells needs-input and exited once each; the tmux check after SessionEnd adds nothing', () => {
    const t = setup();
    t.a.applyBatch({
      events: [
        ev('SessionStart', { session_id: 'c-1' }),
        ev('UserPromptSubmit'),
        ev('Notification', {
          notification_type: 'permission_prompt',
          message: 'Claude needs your permission',
        }),
      ],
      offset: 10,
    });
    t.a.applyBatch({ events: [ev('SessionEnd', { reason: 'prompt_input_exit' })], offset: 20 });
    t.a.tmuxGone();
    expect(t.attention.map((a) => `${a.state}:${a.detail}`)).toEqual([
      'needs-input:Claude needs your permission',
      'exited:prompt_input_exit',
    ]);
    expect(t.sessions.get('a1b2c3d4')!.spoolOffset).toBe(20);
  });

  it('leaves a session that is being stopped alone', () => {
    const t = setup('stopping');
    t.a.applyBatch({ events: [ev('SessionStart', { session_id: 'c-1' })], offset: 10 });
    t.a.tmuxGone();
    expect(t.sessions.get('a1b2c3d4')).toMatchObject({ agent: null, spoolOffset: 0 });
    expect(t.updated).toEqual([]);
  });
});
