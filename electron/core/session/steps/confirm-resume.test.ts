// The grace-time check against a real tmux (a private socket folder): the agent's tmux session
// lives through it, is gone from the start, or ends part-way.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { TMUX_SESSION } from '../guest/claude-config';
import { survivesCommand } from './confirm-resume';

const run = promisify(execFile);
const TMUX_TMPDIR = mkdtempSync(path.join(tmpdir(), 'clave-tmux-'));
const env = { ...process.env, TMUX_TMPDIR };
afterAll(() => {
  // Our private server only (its own socket folder); it may have ended with its last session.
  try {
    execFileSync('tmux', ['kill-server'], { env, stdio: 'ignore' });
  } catch {
    /* no server left */
  }
  rmSync(TMUX_TMPDIR, { recursive: true, force: true });
});

const survives = (graceMs: number) =>
  run('bash', ['-c', survivesCommand(graceMs)], { env }).then(
    () => true,
    () => false,
  );
const tmux = (...args: string[]) => execFileSync('tmux', args, { env });

describe('confirm-resume grace check', () => {
  it('fails at once when the agent is gone, passes when it lives, fails when it ends part-way', async () => {
    let t0 = Date.now();
    expect(await survives(3000)).toBe(false);
    expect(Date.now() - t0).toBeLessThan(2000);

    tmux('new-session', '-d', '-s', TMUX_SESSION, 'sleep 30');
    t0 = Date.now();
    expect(await survives(1000)).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);

    const ending = survives(4000);
    setTimeout(() => tmux('kill-session', '-t', TMUX_SESSION), 500);
    t0 = Date.now();
    expect(await ending).toBe(false);
    expect(Date.now() - t0).toBeLessThan(3000);
  });
});
