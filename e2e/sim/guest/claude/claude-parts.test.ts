// The simulated Claude's hooks and transcript on their own: real shell hooks, real files.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventRecord, Hooks, matches, settingsLayers } from './hooks';
import { answer, askInput, type ToolCall } from './model';
import { dangerousRm, permissionDialog, ruleMatches } from './permissions';
import { subagentCall } from './subagent';
import { projectDir, Transcript } from './transcript';

let home: string;
let cwd: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'claude-home-'));
  cwd = mkdtempSync(join(tmpdir(), 'claude-proj-'));
});
afterEach(() => {
  rmSync(home, { recursive: true, force: true });
  rmSync(cwd, { recursive: true, force: true });
});

const settings = (dir: string, hooks: unknown) => {
  mkdirSync(join(dir, '.claude'), { recursive: true });
  writeFileSync(join(dir, '.claude', 'settings.json'), JSON.stringify({ hooks }));
};

describe('hooks', () => {
  it('matchers: empty or * match all; otherwise a regex over the whole value', () => {
    expect(matches(undefined, 'Bash')).toBe(true);
    expect(matches('*', 'Bash')).toBe(true);
    expect(matches('Bash|Write', 'Write')).toBe(true);
    expect(matches('Bash', 'BashOutput')).toBe(false);
    expect(matches('permission_prompt', 'idle_prompt')).toBe(false);
  });

  it('runs user and project hooks with the payload on stdin and $CLAUDE_PROJECT_DIR', async () => {
    const out = join(home, 'out');
    const cmd = (tag: string) => ({
      type: 'command',
      // One write per hook: handlers run in parallel.
      command: `line="${tag} $CLAUDE_PROJECT_DIR $(cat)"; echo "$line" >> ${out}`,
    });
    settings(home, { Stop: [{ hooks: [cmd('user')] }] });
    settings(cwd, {
      Stop: [{ hooks: [cmd('project')] }],
      PreToolUse: [{ matcher: 'Read', hooks: [cmd('never')] }],
    });
    const hooks = new Hooks(home, cwd, () => undefined);
    await hooks.fire('Stop', { session_id: 's' });
    await hooks.fire('PreToolUse', { tool_name: 'Bash' }, 'Bash');
    const lines = readFileSync(out, 'utf8').trim().split('\n').sort();
    expect(lines).toEqual([
      `project ${cwd} {"session_id":"s","hook_event_name":"Stop"}`,
      `user ${cwd} {"session_id":"s","hook_event_name":"Stop"}`,
    ]);
  });

  it('records every event it emits in ~/.claude-sim/events.jsonl, hooks configured or not', async () => {
    const hooks = new Hooks(home, cwd, () => undefined);
    await hooks.fire('Stop', { session_id: 's' });
    await hooks.fire('Notification', { message: 'm' }, 'idle_prompt');
    const lines = readFileSync(eventRecord(home), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.event, l.payload])).toEqual([
      ['Stop', { session_id: 's', hook_event_name: 'Stop' }],
      ['Notification', { message: 'm', hook_event_name: 'Notification' }],
    ]);
    expect(lines[0].t).toBeGreaterThan(Date.now() - 5000);
  });

  it('kills a hook at its timeout, with its children, and says so', async () => {
    const out = join(home, 'late');
    settings(home, {
      UserPromptSubmit: [
        { hooks: [{ type: 'command', command: `sleep 2; touch ${out}`, timeout: 0.3 }] },
      ],
    });
    const notices: string[] = [];
    const hooks = new Hooks(home, cwd, (l) => notices.push(l));
    const t0 = Date.now();
    await hooks.fire('UserPromptSubmit', {});
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(notices.join('\n')).toMatch(
      /UserPromptSubmit hook \[sleep 2; touch .*\] timed out after 0.3s/,
    );
    await new Promise((r) => setTimeout(r, 2200));
    expect(() => readFileSync(out)).toThrow();
  });
});

describe('transcript', () => {
  it('lives at ~/.claude/projects/<cwd, non-alphanumerics as "-">/<id>.jsonl and chains uuids', () => {
    expect(projectDir('/home/admin', '/srv/project')).toBe(
      '/home/admin/.claude/projects/-srv-project',
    );
    const t = new Transcript(home, '/srv/project', 'abc', '9.9.9');
    t.user('say hi', 'bypassPermissions', 'p1');
    t.assistant([{ type: 'text', text: 'hi' }], 'm');
    const lines = readFileSync(t.path, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(t.path).toBe(join(home, '.claude/projects/-srv-project/abc.jsonl'));
    expect(lines[0]).toMatchObject({
      type: 'user',
      parentUuid: null,
      sessionId: 'abc',
      cwd: '/srv/project',
    });
    expect(lines[1].parentUuid).toBe(lines[0].uuid);
    // Reopened (resume): the chain goes on and the exchanges come back.
    const again = new Transcript(home, '/srv/project', 'abc', '9.9.9');
    again.user('more', 'default');
    expect(JSON.parse(readFileSync(t.path, 'utf8').trim().split('\n')[2]!).parentUuid).toBe(
      lines[1].uuid,
    );
    expect(again.exchanges()).toEqual([
      { role: 'user', text: 'say hi' },
      { role: 'assistant', text: 'hi' },
      { role: 'user', text: 'more' },
    ]);
    expect(Transcript.latest(home, '/srv/project')).toBe('abc');
    expect(Transcript.hasConversation(home, '/srv/project', 'nope')).toBe(false);
    expect(Transcript.hasConversation(home, '/srv/project', 'abc')).toBe(true);
  });
});

describe('permissions', () => {
  const bash = (command: string) => (answer(`run ${command}`, cwd) as { call: ToolCall }).call;
  const write = (file: string) => (answer(`create ${file} with x`, cwd) as { call: ToolCall }).call;

  it('rules: Tool, Bash(prefix:*), Bash(glob), path globs from the cwd', () => {
    expect(ruleMatches('Bash', bash('ls'), cwd)).toBe(true);
    expect(ruleMatches('Bash(echo asked:*)', bash('echo asked > a.txt'), cwd)).toBe(true);
    expect(ruleMatches('Bash(echo asked:*)', bash('echo other'), cwd)).toBe(false);
    expect(ruleMatches('Bash(git push *)', bash('git push origin main'), cwd)).toBe(true);
    expect(ruleMatches('Write(src/**)', write('src/a/b.ts'), cwd)).toBe(true);
    expect(ruleMatches('Write(src/*)', write('src/a/b.ts'), cwd)).toBe(false);
    expect(ruleMatches('Edit(src/**)', write('src/a.ts'), cwd)).toBe(false);
  });

  it('an rm -r of / or $HOME is dangerous; other paths are not', () => {
    expect(dangerousRm('rm -rf ~', '/home/admin')).toBe('/home/admin');
    expect(dangerousRm('rm -r $HOME/', '/home/admin')).toBe('/home/admin');
    expect(dangerousRm('rm -rf /', '/home/admin')).toBe('/');
    expect(dangerousRm('rm -rf build', '/home/admin')).toBeUndefined();
    expect(dangerousRm('rm ~/x', '/home/admin')).toBeUndefined();
  });

  it('bypass mode asks only for an ask rule or a dangerous rm, never for Claude’s own config', () => {
    settings(home, {});
    const file = join(home, '.claude', 'settings.json');
    writeFileSync(file, JSON.stringify({ permissions: { ask: ['Bash(echo asked:*)'] } }));
    const opts = { bypass: true, layers: settingsLayers(home, cwd), cwd, home };
    expect(permissionDialog(bash('echo asked > a'), opts)).toEqual({
      reason: 'Rule Bash(echo asked:*) from user settings says to ask.',
      options: ['Yes', 'No'],
    });
    expect(permissionDialog(bash('rm -rf ~'), opts)).toMatchObject({
      reason: `Dangerous rm operation on critical path: ${home}`,
      suggestions: [],
    });
    expect(permissionDialog(bash('echo fine'), opts)).toBeUndefined();
    expect(permissionDialog(write(join(home, '.claude/settings.json')), opts)).toBeUndefined();
    expect(permissionDialog(write('.claude/commands/x.md'), opts)).toBeUndefined();
    const asking = { ...opts, bypass: false };
    expect(permissionDialog(write('a.txt'), asking)).toMatchObject({
      suggestions: [{ type: 'setMode', mode: 'acceptEdits', destination: 'session' }],
    });
    expect(permissionDialog((answer('read a.txt', cwd) as { call: ToolCall }).call, asking)).toBe(
      undefined,
    );
  });
});

describe('transcript: what --resume can read and shows again', () => {
  const write = (id: string, text: string) => {
    mkdirSync(projectDir(home, '/srv/project'), { recursive: true });
    writeFileSync(join(projectDir(home, '/srv/project'), `${id}.jsonl`), text);
  };

  it('a file that is not JSONL, or JSON lines of another shape, holds no conversation', () => {
    write('garbage', 'this is not json\n{"type":"user","broken\n');
    write('foreign', '{"kind":"message","body":"hello"}\n{"type":"mode","mode":"normal"}\n');
    write('torn', 'oops\n{"type":"user","message":{"role":"user","content":"hi"}}\n');
    expect(Transcript.hasConversation(home, '/srv/project', 'garbage')).toBe(false);
    expect(Transcript.hasConversation(home, '/srv/project', 'foreign')).toBe(false);
    expect(Transcript.hasConversation(home, '/srv/project', 'torn')).toBe(true);
  });

  it('shows tool calls, and questions with their answer or as declined', () => {
    const t = new Transcript(home, '/srv/project', 'q', '9.9.9');
    const tool = (id: string, name: string, input: Record<string, unknown>) =>
      t.assistant([{ type: 'tool_use', id, name, input }], 'm');
    const result = (id: string, content: string) =>
      t.user([{ type: 'tool_result', tool_use_id: id, content }], 'bypassPermissions');
    t.user('run ls', 'bypassPermissions', 'p1');
    tool('t1', 'Bash', { command: 'ls' });
    result('t1', 'a.txt');
    t.user('ask Colour?', 'bypassPermissions', 'p2');
    tool('t2', 'AskUserQuestion', askInput('Colour?'));
    result('t2', 'Your questions have been answered: "Colour?"="Yes". You can now continue.');
    t.assistant([{ type: 'text', text: 'You answered: Yes' }], 'm');
    tool('t3', 'AskUserQuestion', askInput('More?'));
    result('t3', "The user doesn't want to proceed with this tool use.");
    expect(t.exchanges()).toEqual([
      { role: 'user', text: 'run ls' },
      { role: 'tool', text: 'Bash(ls)' },
      { role: 'user', text: 'ask Colour?' },
      { role: 'tool', text: "Answered Claude's questions:\n  ⎿  · Colour? → Yes" },
      { role: 'assistant', text: 'You answered: Yes' },
      { role: 'tool', text: "Declined to answer Claude's questions:\n  ⎿  · More? (Yes / No)" },
    ]);
  });
});

describe('subagent', () => {
  it('writes its transcript into the sidecar <session_id>/subagents/ and reports back as a task notification', () => {
    const s = { home, cwd: '/srv/project', sessionId: 'sid', version: '9.9.9', model: 'm' };
    const call = subagentCall('say inner words', s);
    expect(call.notification()).toBeUndefined();
    const { response } = call.apply();
    const agentId = response.agentId as string;
    expect(response).toMatchObject({ isAsync: true, status: 'async_launched' });
    const dir = join(projectDir(home, '/srv/project'), 'sid', 'subagents');
    const lines = readFileSync(join(dir, `agent-${agentId}.jsonl`), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.type, l.isSidechain, l.agentId, l.sessionId])).toEqual([
      ['user', true, agentId, 'sid'],
      ['assistant', true, agentId, 'sid'],
    ]);
    expect(readFileSync(join(dir, `agent-${agentId}.meta.json`), 'utf8')).toContain(
      'general-purpose',
    );
    expect(call.notification()).toMatchObject({
      prompt: expect.stringMatching(new RegExp(`^<task-notification>[\\s\\S]*${agentId}`)),
      answer: 'inner words',
    });
    // The main transcript folder lists only the main conversation (for --continue).
    expect(Transcript.latest(home, '/srv/project')).toBeUndefined();
  });
});
