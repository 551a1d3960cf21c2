// What a session sets up inside its VM, seen the way a person sees it: through `clave exec`
// against a background host on the simulated VM host, with a subscription (OAuth) token.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopCliHosts } from './testing/host-process';
import { CLAVE_BIN, createSimWorld, provisionBase, type SimWorld } from './testing/sim-env';

const run = promisify(execFile);
const TOKEN = 'sk-ant-oat01-test-token-for-the-simulated-host-0123456789';
let world: SimWorld;
let env: NodeJS.ProcessEnv;
let id: string;

async function clave(...args: string[]) {
  try {
    const r = await run(CLAVE_BIN, args, { env, timeout: 120_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

/** `clave exec <id> -- …`, which must succeed. */
async function inVm(...command: string[]): Promise<string> {
  const r = await clave('exec', id, '--', ...command);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

beforeAll(async () => {
  world = await createSimWorld();
  env = { ...world.env, ANTHROPIC_API_KEY: '', CLAUDE_CODE_OAUTH_TOKEN: TOKEN };
  await provisionBase(world);
  const r = await clave('start', world.project('guest-setup'), '--detach', '--json');
  expect(r.code, r.stderr).toBe(0);
  id = (JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { id: string }).id;
  // Claude is up when tmux's pane shows its banner.
  let pane = '';
  for (let i = 0; i < 100 && !pane.includes('Welcome to Claude Code'); i++) {
    pane = (await clave('exec', id, '--', 'tmux', 'capture-pane', '-p', '-t', 'claude')).stdout;
    if (!pane.includes('Welcome to Claude Code')) await new Promise((r) => setTimeout(r, 100));
  }
  expect(pane).toContain('Welcome to Claude Code');
}, 180_000);

afterAll(async () => {
  if (id) await clave('stop', id, '--on-exit=discard');
  await stopCliHosts(world);
  await world?.cleanup();
});

describe('inside a session VM (OAuth token)', () => {
  it('Claude runs on CLAUDE_CODE_OAUTH_TOKEN alone: no ~/.claude/.credentials.json', async () => {
    // CLAUDE_CODE_OAUTH_TOKEN takes precedence over the credentials file
    // (contracts/claude-code.md §1); a file made from a setup-token has an empty refresh token.
    expect(await inVm('sh', '-c', 'ls -A "$HOME/.claude"')).not.toContain('.credentials.json');
    const pane = await inVm('tmux', 'capture-pane', '-p', '-t', 'claude');
    expect(pane).not.toMatch(/Select login method|Invalid API key/);
  });

  it('the agent sees tmux’s own TERM, not the outer terminal’s', async () => {
    const tmuxTerm = (await inVm('tmux', 'show-options', '-gv', 'default-terminal')).trim();
    expect(tmuxTerm).toMatch(/^(tmux|screen)/);
    // The pane's process is the launch script exec'd into claude: its environment is the agent's.
    const pid = (await inVm('tmux', 'display-message', '-p', '-t', 'claude', '#{pane_pid}')).trim();
    const environ = (await inVm('cat', `/proc/${pid}/environ`)).split('\0');
    expect(environ).toContain(`TERM=${tmuxTerm}`);
    expect(environ).toContain('COLORTERM=truecolor');
  });

  it('`clave exec` runs in a login shell: claude from ~/.local/bin is on PATH', async () => {
    expect(await inVm('claude', '--version')).toMatch(/\(Claude Code\)\n$/);
    expect(await inVm('pwd')).toBe('/srv/project\n');
  });

  it('`clave exec` passes arguments and exit codes through exactly', async () => {
    const args = ['a b', "it's", '"q"', '$HOME', '', 'x;y', '`id`', 'ü\\n'];
    expect(await inVm('printf', '%s|', ...args)).toBe(args.map((a) => `${a}|`).join(''));
    expect((await clave('exec', id, '--', 'sh', '-c', 'exit 7')).code).toBe(7);
    expect((await clave('exec', id, '--', 'false')).code).toBe(1);
  });
});
