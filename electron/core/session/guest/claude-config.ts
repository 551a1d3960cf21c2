// What RunClaudeCode writes into the VM before launching the agent (contracts/claude-code.md §7):
// onboarding and trust pre-answered, the bypass warning suppressed, exactly one credential in a
// 0600 env file that the launch script sources — never on a command line.
import { command, quote } from '../../host/shell-quote';
import { PROJECT_DIR } from '../../vm/guest';
import { claveHooks } from '../attention/hook-script';
import type { CarriedMcpServer } from './mcp';
import { mergeSettings, type UserSettings } from './user-settings';

export { PROJECT_DIR };
export const TMUX_SESSION = 'claude';

export type ClaudeAuth =
  { kind: 'api-key'; value: string } | { kind: 'oauth-token'; value: string };

export function claudeJson(
  auth: ClaudeAuth,
  theme: 'dark' | 'light' = 'dark',
  /** The person's MCP servers reached through reverse tunnels (guest/mcp.ts). */
  mcpServers: Readonly<Record<string, CarriedMcpServer['config']>> = {},
): string {
  const state: Record<string, unknown> = {
    hasCompletedOnboarding: true,
    ...(Object.keys(mcpServers).length ? { mcpServers } : {}),
    theme,
    autoUpdates: false,
    shiftEnterKeyBindingInstalled: true,
    projects: {
      [PROJECT_DIR]: {
        hasTrustDialogAccepted: true,
        hasCompletedProjectOnboarding: true,
        allowedTools: [],
      },
    },
  };
  // Claude asks "use this API key?" unless its last 20 characters were approved before.
  if (auth.kind === 'api-key') {
    state.customApiKeyResponses = { approved: [auth.value.slice(-20)], rejected: [] };
  }
  return JSON.stringify(state, null, 2) + '\n';
}

export function claudeSettingsJson(
  env: Readonly<Record<string, string>> = {},
  /** The allow-listed part of the person's own settings (guest/user-settings.ts). */
  user: UserSettings = {},
): string {
  // Sources disagree on where the key is read; Claude honours one or the other by version.
  return (
    JSON.stringify(
      mergeSettings(
        {
          skipDangerousModePermissionPrompt: true,
          permissions: { skipDangerousModePermissionPrompt: true },
          // The agent's status reaches Clave only through these (attention/hook-script.ts).
          hooks: claveHooks(),
          ...(Object.keys(env).length ? { env: { ...env } } : {}),
        },
        user,
      ),
      null,
      2,
    ) + '\n'
  );
}

/**
 * The 0600 env file the launch script sources; exactly one credential variable. An OAuth token
 * goes here only: `CLAUDE_CODE_OAUTH_TOKEN` wins over `~/.claude/.credentials.json`
 * (contracts/claude-code.md §1), and a credentials file made from a setup-token would hold an empty
 * refresh token — a second copy of the secret on disk for nothing.
 */
export function authEnvFile(auth: ClaudeAuth): string {
  const name = auth.kind === 'api-key' ? 'ANTHROPIC_API_KEY' : 'CLAUDE_CODE_OAUTH_TOKEN';
  return `export ${name}=${quote(auth.value)}\nexport DISABLE_AUTOUPDATER=1\n`;
}

/**
 * The script tmux runs: a login shell (PATH from the profile, where the installer put claude),
 * the credential sourced from its file, then Claude in the project, as the VM user.
 */
export const AUTH_ENV_FILE = '.clave/auth.env';
export const LAUNCH_SCRIPT = '.clave/claude.sh';

export function launchScript(claudeArgs: readonly string[] = []): string {
  return [
    '#!/usr/bin/env bash',
    'set -a',
    `. "$HOME"/${AUTH_ENV_FILE}`,
    'set +a',
    // TERM stays tmux's own (its default-terminal): Claude draws inside tmux, not in the outer
    // terminal, and tmux translates for whatever terminal attaches.
    'export COLORTERM=truecolor LANG=C.UTF-8',
    `cd ${quote(PROJECT_DIR)} || exit 1`,
    `exec ${command(['claude', '--dangerously-skip-permissions', ...claudeArgs])}`,
    '',
  ].join('\n');
}

/** Starts the agent's tmux session unless it already runs (re-attach after a host restart). */
export function startTmuxCommand(): string {
  // tmux hands its last argument to a shell in the VM, which expands $HOME there.
  const start = command([
    'tmux',
    'new-session',
    '-d',
    '-s',
    TMUX_SESSION,
    '-x',
    '200',
    '-y',
    '50',
    `bash -l "$HOME"/${LAUNCH_SCRIPT}`,
  ]);
  return `tmux has-session -t ${TMUX_SESSION} 2>/dev/null || ${start}`;
}

export function attachTmuxCommand(): string {
  return command(['tmux', 'attach-session', '-t', TMUX_SESSION]);
}

export function agentAliveCommand(): string {
  return command(['tmux', 'has-session', '-t', TMUX_SESSION]);
}
