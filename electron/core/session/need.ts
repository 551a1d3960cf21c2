// need(): what one step made and a later step uses, typed and checked. A pipeline listing its steps
// in the wrong order is a bug, and it says so (which step must come first) instead of crashing
// on a null deep inside a step.
import type { PortTunnel, SshConnection } from '../host/ssh';
import type { SessionContext } from './context';
import type { ClaudeAuth } from './guest/claude-config';
import type { ServiceConfig } from './guest/laravel-env';
import type { SessionNames } from './naming';
import type { Step } from './pipeline';
import { StepAbort } from './problem';
// The producers are read only when something is missing, so importing the steps that import
// this module is safe.
import { bootVm } from './steps/boot-vm';
import { checkClaudeAuthentication } from './steps/check-claude-auth';
import { cloneVm } from './steps/clone-vm';
import { cloneRepo } from './steps/clone-repo';
import { createSshTunnel } from './steps/create-ssh-tunnel';
import { discoverGateway } from './steps/discover-gateway';
import { validateProject } from './steps/validate-project';

interface Made {
  names: SessionNames;
  auth: ClaudeAuth;
  services: ServiceConfig;
  worktreeDir: string;
  vmIp: string;
  vmName: string;
  ssh: SshConnection;
  tunnel: PortTunnel;
  url: string;
}

type Source<T> = { get(ctx: SessionContext): T | null; by(): Step<SessionContext> };

const sources: { [K in keyof Made]: Source<Made[K]> } = {
  names: { get: (c) => c.names, by: () => validateProject },
  auth: { get: (c) => c.auth, by: () => checkClaudeAuthentication },
  services: { get: (c) => c.services, by: () => discoverGateway },
  worktreeDir: { get: (c) => c.state.worktreeDir, by: () => cloneRepo },
  vmIp: { get: (c) => c.state.vmIp, by: () => bootVm },
  vmName: { get: (c) => c.state.vmName, by: () => cloneVm },
  ssh: { get: (c) => c.live.ssh, by: () => bootVm },
  tunnel: { get: (c) => c.live.tunnel, by: () => createSshTunnel },
  url: { get: (c) => c.state.url, by: () => createSshTunnel },
};

/** What `by` needs from an earlier step; a problem naming that step when it has not run. */
export function need<K extends keyof Made>(
  ctx: SessionContext,
  key: K,
  by: Pick<Step<SessionContext>, 'label'>,
): Made[K] {
  const value = sources[key].get(ctx);
  if (value !== null) return value;
  const maker = sources[key].by().label;
  throw new StepAbort({
    what: `Internal: ${maker} must run before ${by.label}`,
    why: `${by.label} needs the session's ${key}, which ${maker} makes, and there is none yet.`,
    fix: 'This is a bug in Clave: please report it with this message.',
  });
}
