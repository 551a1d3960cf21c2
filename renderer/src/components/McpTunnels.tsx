// The MCP servers on this Mac's localhost that the session's VM reaches through reverse tunnels
// over its ssh connection: the agent in the VM uses them at the same localhost port.
import type { McpTunnel } from '../../../shared/session';

export function McpTunnels({ tunnels }: { tunnels: McpTunnel[] }) {
  if (!tunnels.length) return null;
  return (
    <section className="mcp-tunnels" aria-label="MCP servers from this Mac">
      <span className="dim">MCP from this Mac:</span>
      <ul>
        {tunnels.map((t) => (
          <li key={`${t.name}:${t.port}`} title="Tunnelled into the VM at the same port">
            <span className="mcp-name">{t.name}</span>{' '}
            <span className="dim">localhost:{t.port}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
