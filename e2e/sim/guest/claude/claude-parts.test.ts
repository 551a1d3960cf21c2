// The simulated Claude's hooks and transcript on their own: real shell hooks, real files.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Hooks, matches } from './hooks';
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
    expect(Transcript.exists(home, '/srv/project', 'nope')).toBe(false);
  });
});
