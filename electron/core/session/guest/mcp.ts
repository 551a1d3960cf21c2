// Which MCP servers of the Mac's `~/.claude.json` the VM can use: http/sse servers on this Mac's
// localhost with an explicit port. Each gets a reverse tunnel over the session's ssh connection
// (the VM's localhost:<port> → the Mac's <host>:<port>), so the same URL works inside the VM.
// Everything else is skipped with the reason: stdio servers would run Mac programs, a remote
// server's sign-in lives on the Mac, and a URL without a port means 80/443 — privileged in the VM,
// where port 80 is the VM's own web server.
import type { Problem } from '../../../../shared/session';

/** A server carried into the VM. */
export interface CarriedMcpServer {
  name: string;
  /** The same port on the VM's loopback and on the Mac. */
  port: number;
  /** Where the Mac end connects: the URL's own host (an IPv6 one without brackets). */
  macHost: string;
  /**
   * Where the VM listens: ::1 for a [::1] URL, else 127.0.0.1 (Ubuntu's /etc/hosts maps
   * localhost there).
   */
  guestHost: '127.0.0.1' | '::1';
  /** What goes into the VM's `~/.claude.json` mcpServers. */
  config: { type: 'http' | 'sse'; url: string; headers?: Record<string, string> };
}

export interface SkippedMcpServer {
  name: string;
  why: string;
}

export interface McpPick {
  carried: CarriedMcpServer[];
  skipped: SkippedMcpServer[];
}

const LOOPBACK = new Map([
  ['localhost', 'localhost'],
  ['127.0.0.1', '127.0.0.1'],
  ['[::1]', '::1'],
]);

/** The VM user cannot listen below this port (no root in the VM for Clave's tunnels). */
const FIRST_UNPRIVILEGED_PORT = 1024;
const MAX_SERVERS = 100;

type Verdict = { carried: CarriedMcpServer } | { why: string };

function judge(name: string, entry: unknown): Verdict {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
    return { why: 'its entry is not an object' };
  }
  const e = entry as Record<string, unknown>;
  const type = e.type ?? (typeof e.command === 'string' ? 'stdio' : undefined);
  if (type === 'stdio') return { why: 'a stdio server runs a program on this Mac' };
  if (type !== 'http' && type !== 'sse')
    return { why: `type ${JSON.stringify(type)} is not carried` };
  if (typeof e.url !== 'string') return { why: 'it has no url' };
  let url: URL;
  try {
    url = new URL(e.url);
  } catch {
    // Not echoed: a URL may carry a token, and this reason goes on the session's record.
    return { why: 'its url is not a valid URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { why: `its url is ${url.protocol} (only http and https are carried)` };
  }
  const macHost = LOOPBACK.get(url.hostname);
  if (macHost === undefined) {
    return { why: `${url.host} is not this Mac's localhost (add a remote server in the VM)` };
  }
  if (url.port === '') {
    return { why: 'its url has no port (80/443 are privileged in the VM; 80 is its web server)' };
  }
  const port = Number(url.port);
  if (port < FIRST_UNPRIVILEGED_PORT) {
    return { why: `port ${port} is privileged in the VM` };
  }
  if (e.headersHelper !== undefined) {
    return { why: 'its headersHelper runs a program on this Mac' };
  }
  const headers = stringRecord(e.headers);
  if (headers === null) return { why: 'its headers are not an object of strings' };
  return {
    carried: {
      name,
      port,
      macHost,
      guestHost: macHost === '::1' ? '::1' : '127.0.0.1',
      config: { type, url: e.url, ...(headers ? { headers } : {}) },
    },
  };
}

function stringRecord(value: unknown): Record<string, string> | undefined | null {
  if (value === undefined) return undefined;
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const entries = Object.entries(value);
  return entries.every(([, v]) => typeof v === 'string')
    ? Object.fromEntries(entries as [string, string][])
    : null;
}

function serversOf(value: unknown): [string, unknown][] {
  return value && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : [];
}

/**
 * The servers of a parsed `~/.claude.json`: top-level `mcpServers` (user scope) and
 * `projects[projectDir].mcpServers` (local scope, which wins for a name in both, as in Claude).
 */
export function pickMcpServers(raw: unknown, projectDir: string): McpPick {
  const root = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const projects = serversOf(root.projects);
  const project = projects.find(([dir]) => dir === projectDir)?.[1] as
    Record<string, unknown> | undefined;
  const byName = new Map<string, unknown>([
    ...serversOf(root.mcpServers),
    ...serversOf(project?.mcpServers),
  ]);
  const carried: CarriedMcpServer[] = [];
  const skipped: SkippedMcpServer[] = [];
  for (const [name, entry] of byName) {
    const verdict = judge(name, entry);
    if ('why' in verdict) {
      skipped.push({ name, why: verdict.why });
      continue;
    }
    const server = verdict.carried;
    // One tunnel per port: two servers may share it only if they mean the same Mac address.
    const other = carried.find((c) => c.port === server.port);
    if (other && other.macHost !== server.macHost) {
      skipped.push({ name, why: `port ${server.port} is already tunnelled for ${other.name}` });
    } else if (carried.length >= MAX_SERVERS) {
      skipped.push({ name, why: `only the first ${MAX_SERVERS} servers are carried` });
    } else {
      carried.push(server);
    }
  }
  return { carried, skipped };
}

/** The skipped servers as one session warning (null when none). */
export function skippedWarning(skipped: readonly SkippedMcpServer[]): Problem | null {
  if (!skipped.length) return null;
  return {
    what: `MCP servers not carried into the VM: ${skipped.map((s) => s.name).join(', ')}`,
    why: skipped.map((s) => `${s.name}: ${s.why}`).join('; '),
    fix: "Only http/sse servers on this Mac's localhost with a port are carried; set up others inside the VM if the agent needs them.",
  };
}
