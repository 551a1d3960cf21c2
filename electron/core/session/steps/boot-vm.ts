// Session 3: boot with the session copy attached, wait for an address (failing at once if the VM
// dies), then for sshd (which comes up after the address), then attach the copy at /srv/project —
// retried, since a share is not always ready the moment sshd is, with diagnostics when it never
// works. How the copy reaches the guest is the VM runtime's business (vm/runtime.ts): a live share
// here, a git push over the ssh connection where the VM cannot see this Mac's folders.
import { LOCAL_NETWORK_SETTINGS, isLocalNetworkRefusal } from '../../host/local-network';
import { ensureSnapshotsFolder } from '../deps-snapshot/guest';
import { need } from '../need';
import type { Step } from '../pipeline';
import { StepAbort } from '../problem';
import type { SessionContext } from '../context';
import { PROJECT_DIR, projectFolder } from '../../vm/guest';
import { attachFolder } from '../../vm/attach';
import { waitForEndpoint } from '../../vm/wait';

export const bootVm: Step<SessionContext> = {
  name: 'boot-vm',
  label: 'Boot the VM',
  async run(ctx, progress) {
    const { vms } = ctx.deps;
    const name = need(ctx, 'names', bootVm).vmName;
    const t = ctx.settings.timeouts;
    const project = projectFolder(need(ctx, 'worktreeDir', bootVm));
    // The project's dependency snapshots go in beside the copy: tart fixes shares at boot.
    const folders = [project, ...ensureSnapshotsFolder(ctx)];
    ctx.live.vm = await vms.start(name, { folders });
    ctx.update({ vmPid: ctx.live.vm.pid ?? null });

    progress.hint('waiting for an IP address');
    // A remote VM may wait minutes for a worker to pull its image: say what the runner says.
    const quiet = ctx.live.vm.onStatus?.((status) =>
      progress.hint(`waiting for the VM: ${status}`),
    );
    let askedForLocalNetwork = false;
    const ssh = ctx.settings.ssh;
    const endpoint = await waitForEndpoint(vms, ctx.live.vm, ssh.port, {
      waitSeconds: t.ipSeconds,
      signal: ctx.signal,
    }).finally(() => quiet?.());
    // A remote VM's worker is known once it is scheduled (it answers by then).
    ctx.update({ vmIp: endpoint.host, worker: ctx.live.vm.worker });
    if (ctx.live.vm.worker) progress.hint(`on worker ${ctx.live.vm.worker}`);

    progress.hint(`waiting for SSH on ${endpoint.host}`);
    ctx.live.ssh = await ctx.deps.connectSsh({
      host: endpoint.host,
      port: endpoint.port,
      username: ssh.user,
      password: ssh.password,
      deadlineMs: t.sshSeconds * 1000,
      signal: ctx.signal,
      onAttemptFailed: (_attempt, error) => {
        if (isLocalNetworkRefusal(error) && !askedForLocalNetwork) {
          askedForLocalNetwork = true;
          progress.hint(
            `no route to ${endpoint.host}: allow Clave in ${LOCAL_NETWORK_SETTINGS} if macOS asks`,
          );
        }
      },
    });

    const shell = ctx.live.ssh;
    progress.hint(
      vms.sharesFolders
        ? `mounting the project at ${PROJECT_DIR}`
        : `pushing the session branch to ${PROJECT_DIR} (git, over ssh)`,
    );
    const attached = await attachFolder(vms, shell, project, {
      deadlineMs: t.mountSeconds * 1000,
      signal: ctx.signal,
    });
    if (attached.ok) {
      // The guest's copy is the session copy as of now: the first sync point.
      if (!vms.sharesFolders) ctx.update({ syncedAt: new Date().toISOString() });
      return;
    }
    if (!vms.sharesFolders) {
      throw new StepAbort({
        what: `Could not push the project into the VM at ${PROJECT_DIR}`,
        why: attached.why || 'git push kept failing',
        fix: 'Check that the base image has git, and that the session copy is a working git checkout; then start again.',
      });
    }
    const diag = await shell
      .exec(
        `lsmod | grep -i virtio; ls -ld ${PROJECT_DIR}; dmesg 2>/dev/null | grep -i virtio | tail -5`,
        { timeoutMs: 10_000 },
      )
      .then((r) => (r.stdout + r.stderr).trim())
      .catch(() => '');
    throw new StepAbort({
      what: `Could not mount the project into the VM at ${PROJECT_DIR}`,
      why: attached.why || 'mount kept failing',
      fix: `Check that the base image has virtiofs support (re-provision with \`clave provision --force\`). Diagnostics: ${diag || 'none'}`,
    });
  },
};
