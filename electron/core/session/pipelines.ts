// The seed's two pipelines, as lists of steps (one concern each, one file each in steps/), and
// re-attaching to a session a previous host left running and resuming a kept one, with the same
// steps where they overlap. Steps that need nothing from each other run in parallel groups: the
// copy while the VM is cloned; the dependencies while the host side (gateway, tunnel, Herd proxy)
// is set up — Laravel's bootstrap then needs both (the URL goes in its .env).
import type { SessionContext } from './context';
import { parallel, type PipelineItem, type Step } from './pipeline';
import { bootVm } from './steps/boot-vm';
import { bootstrapLaravel } from './steps/bootstrap-laravel';
import { carryClaudeSetup } from './steps/carry-claude-setup';
import { checkClaudeAuthentication } from './steps/check-claude-auth';
import { chooseBackend } from './steps/choose-backend';
import { cloneRepo } from './steps/clone-repo';
import { cloneVm } from './steps/clone-vm';
import { configureHerdProxy } from './steps/configure-herd-proxy';
import { confirmResume } from './steps/confirm-resume';
import { connectSsh } from './steps/connect-ssh';
import { createSshTunnel } from './steps/create-ssh-tunnel';
import { checkHostServices, discoverGateway } from './steps/discover-gateway';
import { ensureVmExists } from './steps/ensure-vm-exists';
import { getGitBranch } from './steps/get-git-branch';
import { installDependencies } from './steps/install-dependencies';
import { restoreConversation } from './steps/restore-conversation';
import { reopenMcpTunnels } from './steps/reopen-mcp-tunnels';
import { reopenServiceTunnels } from './steps/reopen-service-tunnels';
import { runClaudeCode } from './steps/run-claude-code';
import { saveSession } from './steps/save-session';
import { validateProject } from './steps/validate-project';

export const preflightSteps: readonly Step<SessionContext>[] = [
  validateProject,
  chooseBackend,
  getGitBranch,
  ensureVmExists,
  checkClaudeAuthentication,
  saveSession,
];

export const sessionSteps: readonly PipelineItem<SessionContext>[] = [
  parallel(cloneRepo, cloneVm),
  bootVm,
  parallel(installDependencies, [
    discoverGateway,
    checkHostServices,
    createSshTunnel,
    configureHerdProxy,
  ]),
  bootstrapLaravel,
  carryClaudeSetup,
  runClaudeCode,
];

/**
 * A kept session again: its record holds the project, base and copy already (no GetGitBranch,
 * no SaveSession); the copy is reused, and the conversation goes back in before Claude starts.
 */
export const resumePreflightSteps: readonly Step<SessionContext>[] = [
  validateProject,
  chooseBackend,
  ensureVmExists,
  checkClaudeAuthentication,
];

export const resumeSessionSteps: readonly PipelineItem<SessionContext>[] = sessionSteps.flatMap(
  (s) => (s === runClaudeCode ? [restoreConversation, runClaudeCode, confirmResume] : [s]),
);

export const reattachSteps: readonly Step<SessionContext>[] = [
  connectSsh,
  createSshTunnel,
  configureHerdProxy,
  reopenMcpTunnels,
  reopenServiceTunnels,
];
