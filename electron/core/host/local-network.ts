// macOS 15+ Local Network privacy: an app may not open connections to local subnets — the VMs'
// 192.168.64.x addresses are one — until the person allows it, and a refused connection fails
// with "No route to host" (EHOSTUNREACH; ENETUNREACH alike), as if the VM were not there (Apple
// TN3179; microsoft/vscode#228862, utmapp/UTM#6692). macOS exempts command-line tools started
// from Terminal or over ssh, and their child processes (TN3179 "macOS considerations"), so the
// `clave` CLI in Terminal running its own host is never refused; other terminal apps (VS Code's,
// iTerm) count as that app and need the permission themselves.
import type { Problem } from '../../../shared/session';

/** Where the person allows it. */
export const LOCAL_NETWORK_SETTINGS = 'System Settings → Privacy & Security → Local Network';

const REFUSED_CODES = new Set(['EHOSTUNREACH', 'ENETUNREACH']);

/** A connect error the way Local Network privacy refuses a connection. */
export function isLocalNetworkRefusal(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && REFUSED_CODES.has(code);
}

/** What to tell a person whose connection to `host` on the VMs' network was refused. */
export function localNetworkProblem(host: string, code = 'EHOSTUNREACH'): Required<Problem> {
  return {
    what: `Clave may not connect to the VM at ${host}`,
    why:
      `The Mac answered "no route to host" (${code}) for the VM's own address. On macOS 15 and ` +
      'later that is Local Network privacy: Clave has not been allowed to reach devices on local ' +
      'networks, and the VMs live on one.',
    fix:
      `Open ${LOCAL_NETWORK_SETTINGS}, turn Clave on, then try again. The \`clave\` command ` +
      'started from Terminal (or over ssh) does not need this: macOS lets command-line tools run ' +
      'there reach local networks. Other terminal apps (VS Code, iTerm) need the permission too.',
  };
}
