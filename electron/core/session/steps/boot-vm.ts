// Session 3: boot with the session copy shared, wait for an address, then for sshd (which comes
// up after the address), then mount the share at /srv/project — retried, since VirtioFS is not
// always ready the moment sshd is, with diagnostics when it never works.
import { LOCAL_NETWORK_SETTINGS, isLocalNetworkRefusal } from '../../host/local-network';
import { command } from '../../host/shell-quote';
import type { Step } from '../pipeline';
import { StepAbort } from '../problem';
import type { SessionContext } from '../context';
import { PROJECT_DIR } from '../guest/claude-config';

export const MOUNT_TAG = 'com.apple.virtio-fs.automount';

export const bootVm: Step<SessionContext> = {
  name: 'boot-vm',
  label: 'Boot the VM',
  async run(ctx, progress) {
    const { vms } = ctx.deps;
    const name = ctx.names.vmName;
    const t = ctx.settings.timeouts;
    ctx.live.vm = await vms.start(name, ctx.state.worktreeDir!);
    const logFile = ctx.live.vm.logFile;
    ctx.update({ vmPid: ctx.live.vm.pid ?? null });

    progress.hint('waiting for an IP address');
    const ip = await Promise.race([
      vms.waitForIp(name, t.ipSeconds, ctx.signal),
      ctx.live.vm.exited.then((code) => {
        throw new StepAbort({
          what: `The VM ${name} stopped while booting (exit ${code ?? 'unknown'})`,
          fix: `See its log: ${logFile}`,
        });
      }),
    ]);
    ctx.update({ vmIp: ip });

    progress.hint(`waiting for SSH on ${ip}`);
    let askedForLocalNetwork = false;
    const ssh = ctx.settings.ssh;
    ctx.live.ssh = await ctx.deps.connectSsh({
      host: ip,
      port: ssh.port,
      username: ssh.user,
      password: ssh.password,
      deadlineMs: t.sshSeconds * 1000,
      signal: ctx.signal,
      onAttemptFailed: (_attempt, error) => {
        if (isLocalNetworkRefusal(error) && !askedForLocalNetwork) {
          askedForLocalNetwork = true;
          progress.hint(
            `no route to ${ip}: allow Clave in ${LOCAL_NETWORK_SETTINGS} if macOS asks`,
          );
        }
      },
    });

    progress.hint(`mounting the project at ${PROJECT_DIR}`);
    await mountProject(ctx, t.mountSeconds * 1000);
  },
};

async function mountProject(ctx: SessionContext, deadlineMs: number): Promise<void> {
  const ssh = ctx.live.ssh!;
  const mountpoint = command(['mountpoint', '-q', PROJECT_DIR]);
  const mount = command(['sudo', 'mount', '-t', 'virtiofs', MOUNT_TAG, PROJECT_DIR]);
  const deadline = Date.now() + deadlineMs;
  let last: string;
  for (let attempt = 1; ; attempt++) {
    const r = await ssh.exec(`${mountpoint} || ${mount}`, {
      timeoutMs: 15_000,
      signal: ctx.signal,
    });
    if (r.code === 0) return;
    last = (r.stderr || r.stdout).trim();
    if (Date.now() > deadline) break;
    await new Promise((res) => setTimeout(res, Math.min(500 * attempt, 3000)));
  }
  const diag = await ssh
    .exec(
      `lsmod | grep -i virtio; ls -ld ${PROJECT_DIR}; dmesg 2>/dev/null | grep -i virtio | tail -5`,
      {
        timeoutMs: 10_000,
      },
    )
    .then((r) => (r.stdout + r.stderr).trim())
    .catch(() => '');
  throw new StepAbort({
    what: `Could not mount the project into the VM at ${PROJECT_DIR}`,
    why: last || 'mount kept failing',
    fix: `Check that the base image has virtiofs support (re-provision with \`clave provision --force\`). Diagnostics: ${diag || 'none'}`,
  });
}
