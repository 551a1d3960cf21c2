// Session 8: Claude Code as the VM user inside tmux, so the agent outlives any window, terminal
// or app restart. Onboarding, trust and the bypass warning are pre-answered; the credential sits
// in a 0600 file that only the launch script reads.
import { command } from '../../host/shell-quote';
import type { Step } from '../pipeline';
import type { SessionContext } from '../context';
import {
  authEnvFile,
  claudeJson,
  claudeSettingsJson,
  credentialsJson,
  launchScript,
  startTmuxCommand,
} from '../guest/claude-config';

export const CLAVE_DIR = '~/.clave';

export const runClaudeCode: Step<SessionContext> = {
  name: 'run-claude-code',
  label: 'Start Claude Code',
  async run(ctx, progress) {
    const ssh = ctx.live.ssh!;
    const auth = ctx.auth!;
    await ssh.run(
      command(['mkdir', '-p', '-m', '700', '.clave', '.claude']),
      'Could not prepare the VM user home',
      {
        timeoutMs: 15_000,
      },
    );
    const home = (
      await ssh.run('printf %s "$HOME"', 'Could not read the VM user home', { timeoutMs: 15_000 })
    ).stdout;
    const envFile = `${home}/.clave/auth.env`;
    const script = `${home}/.clave/claude.sh`;
    await ssh.writeFile(`${home}/.clave/auth.env`, authEnvFile(auth), { mode: 0o600 });
    await ssh.writeFile(script, launchScript(envFile), { mode: 0o700 });
    await ssh.writeFile(`${home}/.claude.json`, claudeJson(auth), { mode: 0o600 });
    await ssh.writeFile(`${home}/.claude/settings.json`, claudeSettingsJson(), { mode: 0o600 });
    if (auth.kind === 'oauth-token') {
      await ssh.writeFile(`${home}/.claude/.credentials.json`, credentialsJson(auth.value), {
        mode: 0o600,
      });
    }
    progress.hint('starting tmux');
    await ssh.run(startTmuxCommand(script), 'Could not start Claude Code in tmux', {
      timeoutMs: 30_000,
    });
  },
};
