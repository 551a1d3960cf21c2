// Session 8: Claude Code as the VM user inside tmux, so the agent outlives any window, terminal
// or app restart. Onboarding, trust and the bypass warning are pre-answered; the credential sits
// in a 0600 file that only the launch script reads.
import { command } from '../../host/shell-quote';
import { need } from '../need';
import type { Step } from '../pipeline';
import type { SessionContext } from '../context';
import {
  AUTH_ENV_FILE,
  LAUNCH_SCRIPT,
  authEnvFile,
  claudeJson,
  claudeSettingsJson,
  launchScript,
  startTmuxCommand,
} from '../guest/claude-config';
import { HOOK_SCRIPT, hookScript } from '../attention/hook-script';

export const runClaudeCode: Step<SessionContext> = {
  name: 'run-claude-code',
  label: 'Start Claude Code',
  async run(ctx, progress) {
    const ssh = need(ctx, 'ssh', runClaudeCode);
    const auth = need(ctx, 'auth', runClaudeCode);
    const mkdir = command(['mkdir', '-p', '-m', '700', '.clave', '.claude']);
    await ssh.run(mkdir, 'Could not prepare the VM user home', { timeoutMs: 15_000 });
    // `~/` paths are written relative to the VM user's home over sftp: no shell, no command line.
    await ssh.writeFile(`~/${AUTH_ENV_FILE}`, authEnvFile(auth), { mode: 0o600 });
    const resume = ctx.resumeConversation ? ['--resume', ctx.resumeConversation] : [];
    await ssh.writeFile(`~/${LAUNCH_SCRIPT}`, launchScript(resume), { mode: 0o700 });
    // The person's own setup (CarryClaudeSetup), merged so neither overwrites the other.
    const carried = ctx.carried;
    await ssh.writeFile('~/.claude.json', claudeJson(auth, 'dark', carried?.mcpServers), {
      mode: 0o600,
    });
    // The hook before the settings that name it: Claude never runs a missing script.
    await ssh.writeFile(`~/${HOOK_SCRIPT}`, hookScript(), { mode: 0o700 });
    await ssh.writeFile('~/.claude/settings.json', claudeSettingsJson({}, carried?.settings), {
      mode: 0o600,
    });
    progress.hint('starting tmux');
    await ssh.run(startTmuxCommand(), 'Could not start Claude Code in tmux', {
      timeoutMs: 30_000,
    });
  },
};
