// Session 7: make the app run in the VM (contracts/herd.md §7): .env pointed at the host's
// services and the session URL, key, migrations, then php-fpm and nginx — once its dependencies
// are in (InstallDependencies). A failing command is shown as a warning and the session goes on:
// fixing it is a fine first job for the agent.
import { command } from '../../host/shell-quote';
import { STAMP_PATH, fpmService, recordedPhpVersion } from '../../provision/base-image';
import { parseSpec } from '../../provision/spec';
import type { SshConnection } from '../../host/ssh';
import { need } from '../need';
import type { Step, StepProgress } from '../pipeline';
import { projectCommand } from '../guest/project-command';
import type { SessionContext } from '../context';
import { PROJECT_DIR } from '../guest/claude-config';
import { patchEnv, readEnvValue, sessionEnvOverrides } from '../guest/laravel-env';

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
    if (!readEnvValue(patched, 'APP_KEY')) {
      await projectCommand(
        ssh,
        progress,
        'php artisan key:generate',
        command(['php', 'artisan', 'key:generate', '--force']),
        60_000,
      );
    }
    if (ctx.projectConfig.bootstrap.migrate) {
      await projectCommand(
        ssh,
        progress,
        'php artisan migrate',
        command(['php', 'artisan', 'migrate', '--force']),
        timeout,
      );
    }
    const fpm = fpmService(await phpVersionOfImage(ssh, progress));
    await projectCommand(
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
