// Re-attach: the MCP tunnels the record lists, made again on the new connection. The VM's
// `~/.claude.json` already names those servers (Claude owns that file now: it is not rewritten),
// so the same ports come back; the Mac end is read again from the Mac's `~/.claude.json`.
import type { Step } from '../pipeline';
import type { SessionContext } from '../context';
import { readUserClaude } from '../guest/user-claude';
import { openMcpTunnels } from './carry-claude-setup';

export const reopenMcpTunnels: Step<SessionContext> = {
  name: 'reopen-mcp-tunnels',
  label: 'Reopen the MCP tunnels',
  async run(ctx, progress) {
    const listed = ctx.deps.sessions.get(ctx.id)?.mcpTunnels ?? [];
    if (!listed.length) return;
    const mac = await readUserClaude(ctx.deps.userHome, ctx.projectDir, {
      carryClaudeMd: false,
      carrySettings: false,
      mcpTunnels: true,
    });
    const servers = listed.map(
      (t) =>
        mac.mcp.carried.find((s) => s.name === t.name && s.port === t.port) ?? {
          // Gone from the Mac's config since the start: the VM still asks for it on that port.
          ...t,
          macHost: 'localhost',
          guestHost: '127.0.0.1' as const,
          config: { type: 'http' as const, url: `http://localhost:${t.port}/` },
        },
    );
    await openMcpTunnels(ctx, servers, progress.warn);
  },
};
