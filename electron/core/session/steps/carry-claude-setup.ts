// Session 8a: the person's own Claude setup, carried into the VM safely before Claude starts —
// their ~/.claude/CLAUDE.md, the allow-listed settings (merged by RunClaudeCode with Clave's own),
// and reverse tunnels to the MCP servers on this Mac's localhost. Each part can be turned off in
// .clave.json ("claude": {...}); a malformed Mac file is a warning, never a failed start.
import type { Problem } from '../../../../shared/session';
import { command } from '../../host/shell-quote';
import type { SessionContext } from '../context';
import type { CarriedMcpServer } from '../guest/mcp';
import { readUserClaude } from '../guest/user-claude';
import type { UserSettings } from '../guest/user-settings';
import { McpTunnels } from '../mcp-tunnels';
import { need } from '../need';
import type { Step } from '../pipeline';

export interface CarriedSetup {
  settings: UserSettings;
  /** The VM's `~/.claude.json` mcpServers: only servers whose tunnel is live. */
  mcpServers: Record<string, CarriedMcpServer['config']>;
}

/**
 * The session's MCP tunnels on its current connection; a failure to listen in the VM becomes a
 * warning (once) and the record lists what is live. `warn` is the running step's; a later
 * connection (a reconnect) is no step's, so its problems go straight onto the session.
 */
export async function openMcpTunnels(
  ctx: SessionContext,
  servers: readonly CarriedMcpServer[],
  warn: (p: Problem) => void,
): Promise<string[]> {
  const ssh = need(ctx, 'ssh', carryClaudeSetup);
  let liveNames: string[] = [];
  let warnNow = warn;
  const tunnels = new McpTunnels(servers, ({ live, problems }) => {
    liveNames = live.map((t) => t.name);
    ctx.update({ mcpTunnels: live });
    for (const p of problems) {
      if (!ctx.state.warnings.some((w) => w.what === p.what)) warnNow(p);
    }
  });
  ctx.live.mcpTunnels = tunnels;
  await tunnels.useConnection(ssh);
  warnNow = (p) => ctx.warn(p);
  return liveNames;
}

export const carryClaudeSetup: Step<SessionContext> = {
  name: 'carry-claude-setup',
  label: 'Carry your Claude setup into the VM',
  async run(ctx, progress) {
    const ssh = need(ctx, 'ssh', carryClaudeSetup);
    const mine = await readUserClaude(ctx.deps.userHome, ctx.projectDir, ctx.projectConfig.claude);
    for (const w of mine.warnings) progress.warn(w);
    if (mine.claudeMd !== null) {
      const mkdir = command(['mkdir', '-p', '-m', '700', '.claude']);
      await ssh.run(mkdir, 'Could not prepare the VM user home', { timeoutMs: 15_000 });
      await ssh.writeFile('~/.claude/CLAUDE.md', mine.claudeMd, { mode: 0o600 });
    }
    const servers = mine.mcp.carried;
    const live = servers.length ? await openMcpTunnels(ctx, servers, progress.warn) : [];
    if (live.length) progress.hint(`MCP: ${live.join(', ')}`);
    ctx.carried = {
      settings: mine.settings,
      mcpServers: Object.fromEntries(
        servers.filter((s) => live.includes(s.name)).map((s) => [s.name, s.config]),
      ),
    };
  },
};
