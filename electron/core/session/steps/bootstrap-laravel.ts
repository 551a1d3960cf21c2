// Session 7: make the app run in the VM (contracts/herd.md §7): .env pointed at the host's
// services and the session URL; vendor/ on the VM's own disk (fast, and the Mac's copy stays
// clean); composer install, key, migrations, then php-fpm and nginx. A failing command is shown
// as a warning and the session goes on: fixing it is a fine first job for the agent.
import { command, quote } from '../../host/shell-quote';
import { STAMP_PATH, fpmService, recordedPhpVersion } from '../../provision/base-image';
import { parseSpec } from '../../provision/spec';
import type { SshConnection } from '../../host/ssh';
import { need } from '../need';
import type { Step, StepProgress } from '../pipeline';
import type { SessionContext } from '../context';
import { PROJECT_DIR } from '../guest/claude-config';
import { patchEnv, readEnvValue, sessionEnvOverrides } from '../guest/laravel-env';

const VENDOR_CACHE = '/var/cache/clave/vendor';

async function step(
  ctx: SessionContext,
  ssh: SshConnection,
  progress: StepProgress,
  label: string,
  cmd: string,
  timeoutMs: number,
) {
  progress.hint(label);
  const r = await ssh
    .exec(`cd ${quote(PROJECT_DIR)} && ${cmd}`, { timeoutMs, signal: ctx.signal })
    .catch((e: Error) => ({ code: -1, stdout: '', stderr: e.message }));
  if (r.code === 0) return true;
  const output = (r.stderr || r.stdout).trim().split('\n').slice(-15).join('\n');
  progress.warn({
    what: `${label} failed in the VM (exit ${r.code ?? 'signal'})`,
    why: output || 'no output',
    fix: 'The session goes on; ask the agent to fix it, or run it yourself with `clave exec`.',
  });
  return false;
}

export const bootstrapLaravel: Step<SessionContext> = {
  name: 'bootstrap-laravel',
  label: 'Bootstrap Laravel',
  async run(ctx, progress) {
    const ssh = need(ctx, 'ssh', bootstrapLaravel);
    const envPath = `${PROJECT_DIR}/.env`;
    const current = await ssh.exec(command(['cat', envPath]), { timeoutMs: 15_000 });
    let envText = current.code === 0 ? current.stdout : '';
    if (current.code !== 0) {
      const example = await ssh.exec(command(['cat', `${PROJECT_DIR}/.env.example`]), {
        timeoutMs: 15_000,
      });
      envText = example.code === 0 ? example.stdout : '';
      progress.hint('no .env in the project: starting from .env.example');
    }
    const patched = patchEnv(
      envText,
      sessionEnvOverrides(
        need(ctx, 'services', bootstrapLaravel),
        need(ctx, 'url', bootstrapLaravel),
      ),
    );
    // The session copy's .env (gitignored), never the user's main copy.
    await ssh.writeFile(envPath, patched, { mode: 0o644 });

    const timeout = ctx.settings.timeouts.commandSeconds * 1000;
    const user = ctx.settings.ssh.user;
    await step(
      ctx,
      ssh,
      progress,
      'Put vendor/ on the VM disk',
      [
        command(['sudo', 'mkdir', '-p', VENDOR_CACHE, 'vendor']),
        command(['sudo', 'chown', `${user}:${user}`, VENDOR_CACHE]),
        `{ ${command(['mountpoint', '-q', 'vendor'])} || ${command(['sudo', 'mount', '--bind', VENDOR_CACHE, 'vendor'])}; }`,
      ].join(' && '),
      30_000,
    );
    if (ctx.projectConfig.bootstrap.composer) {
      await step(
        ctx,
        ssh,
        progress,
        'composer install',
        command(['composer', 'install', '--no-interaction', '--prefer-dist']),
        timeout,
      );
    }
    if (!readEnvValue(patched, 'APP_KEY')) {
      await step(
        ctx,
        ssh,
        progress,
        'php artisan key:generate',
        command(['php', 'artisan', 'key:generate', '--force']),
        60_000,
      );
    }
    if (ctx.projectConfig.bootstrap.migrate) {
      await step(
        ctx,
        ssh,
        progress,
        'php artisan migrate',
        command(['php', 'artisan', 'migrate', '--force']),
        timeout,
      );
    }
    const fpm = fpmService(await phpVersionOfImage(ssh, progress));
    await step(
      ctx,
      ssh,
      progress,
      'Restart php-fpm and nginx',
      command(['sudo', 'systemctl', 'restart', fpm, 'nginx']),
      60_000,
    );
  },
};

/** The image's PHP, as its stamp records it: the spec may name any version (spec.ts). */
async function phpVersionOfImage(ssh: SshConnection, progress: StepProgress): Promise<string> {
  const stamp = await ssh.exec(command(['cat', STAMP_PATH]), { timeoutMs: 15_000 });
  const version = stamp.code === 0 ? recordedPhpVersion(stamp.stdout) : null;
  if (version !== null) return version;
  // A base not made by `clave provision` (or an older one): the default spec's PHP.
  const assumed = parseSpec().php.version;
  progress.hint(`the base VM has no readable ${STAMP_PATH}: assuming PHP ${assumed}`);
  return assumed;
}
