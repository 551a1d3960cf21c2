// The provisioned image's programs, driven the way Clave drives them over ssh: the virtiofs mount,
// composer/php/artisan against host services, systemctl/service, the web server, and `claude`
// refusing to start like Claude Code does, then editing files in a session inside tmux.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimHost, type SimHost } from '../harness';
import { PtySession, sshConnect, sshExec } from '../ssh';
import { bootVM, type RunningVM } from '../vm';

const MOUNT = 'sudo mount -t virtiofs com.apple.virtio-fs.automount /srv/project';

function laravelProject(root: string): string {
  const dir = mkdtempSync(join(root, 'laravel-'));
  mkdirSync(join(dir, 'public'));
  mkdirSync(join(dir, 'database', 'migrations'), { recursive: true });
  writeFileSync(join(dir, 'artisan'), '#!/usr/bin/env php\n<?php\n');
  writeFileSync(
    join(dir, 'public', 'index.php'),
    "<?php\nrequire __DIR__.'/../vendor/autoload.php';\n",
  );
  writeFileSync(join(dir, 'public', 'hello.php'), "<h1><?php echo 'Hi from ' . 'PHP'; ?></h1>\n");
  writeFileSync(
    join(dir, 'composer.json'),
    JSON.stringify({
      require: { php: '^8.2', 'laravel/framework': '^12.0' },
      scripts: { 'post-autoload-dump': ['@php artisan package:discover --ansi'] },
    }),
  );
  writeFileSync(
    join(dir, 'database', 'migrations', '0001_01_01_000000_create_users_table.php'),
    '<?php\n',
  );
  writeFileSync(
    join(dir, '.env'),
    'APP_NAME=Demo\nAPP_ENV=local\nAPP_KEY=\nDB_CONNECTION=mysql\nDB_HOST=192.168.64.1\nDB_PORT=3306\nDB_DATABASE=laravel\n',
  );
  return dir;
}

describe('guest programs', () => {
  let sim: SimHost;
  let vm: RunningVM;
  let c: Client;
  let project: string;
  const sh = async (cmd: string) => sshExec(c, cmd);

  beforeAll(async () => {
    sim = await createSimHost();
    project = laravelProject(sim.root);
    vm = await bootVM(sim, 'guest', { runArgs: [`--dir=${project}`] });
    c = await sshConnect(vm.ip);
  });
  afterAll(async () => {
    c?.end();
    await sim?.cleanup();
  });

  it('mounts the share only as root, only with the right tag, as Linux reports it', async () => {
    // A non-root user gets util-linux's own mount (the wrapper is only on root's path).
    const user = await sh('mount -t virtiofs com.apple.virtio-fs.automount /srv/project');
    expect(user.code).toBe(32);
    expect(user.stderr).toContain('mount: /srv/project: must be superuser to use mount.');
    const wrong = await sh('sudo mount -t virtiofs clave /srv/project');
    expect(wrong.code).toBe(32);
    expect(wrong.stderr).toContain(
      'mount: /srv/project: wrong fs type, bad option, bad superblock on clave',
    );
    expect(await sh(MOUNT)).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await sh('mountpoint /srv/project')).stdout).toBe('/srv/project is a mountpoint\n');
    // The guest user owns what it sees, and what it writes belongs to the host's owner.
    expect((await sh('stat -c %U /srv/project/artisan')).stdout).toBe('admin\n');
    expect((await sh('touch /srv/project/guest-made && echo ok')).stdout).toBe('ok\n');
    expect(statSync(join(project, 'guest-made')).uid).toBe(statSync(project).uid);
  });

  it('bootstraps Laravel: composer install, artisan against host MySQL (off, then on), key:generate', async () => {
    const install = await sh('cd /srv/project && composer install --no-interaction --prefer-dist');
    expect(install.code).toBe(0);
    expect(install.stderr).toContain('Installing laravel/framework (v1.0.0): Extracting archive');
    expect(existsSync(join(project, 'vendor', 'autoload.php'))).toBe(true);
    expect(existsSync(join(project, 'vendor', 'laravel', 'framework'))).toBe(true);

    const refused = await sh('cd /srv/project && php artisan migrate --force');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(
      'SQLSTATE[HY000] [2002] Connection refused (Connection: mysql',
    );

    const services = await sim.startServices({ mysql: true, redis: true });
    try {
      const ok = await sh('cd /srv/project && php artisan migrate --force');
      expect(ok).toMatchObject({ code: 0, stderr: '' });
      expect(ok.stdout).toContain('0001_01_01_000000_create_users_table');
      expect((await sh('cd /srv/project && php artisan migrate --force')).stdout).toContain(
        'Nothing to migrate.',
      );
      expect(services.connections.mysql).toBeGreaterThanOrEqual(2);
      const gw = (await sh("ip route | grep default | awk '{print $3}'")).stdout.trim();
      const ping = await sh(`exec 3<>/dev/tcp/${gw}/6379; printf 'PING\\r\\n' >&3; head -c 7 <&3`);
      expect(ping.stdout).toBe('+PONG\r\n');
    } finally {
      await services.close();
    }
    expect(
      (await sh(`timeout 3 bash -c '</dev/tcp/192.168.64.1/3306' || echo closed`)).stdout,
    ).toBe('closed\n');

    expect((await sh('cd /srv/project && php artisan key:generate')).code).toBe(0);
    expect(readFileSync(join(project, '.env'), 'utf8')).toMatch(
      /^APP_KEY=base64:[A-Za-z0-9+/]{43}=$/m,
    );
  });

  it('records package managers and downloads (offline), and leaves local work to the real tools', async () => {
    // What the provisioning script runs: recorded, successful, and no network needed.
    expect(await sh('sudo apt-get -y install nginx php8.4-fpm')).toMatchObject({ code: 0 });
    expect(await sh('sudo add-apt-repository -y -n ppa:ondrej/php')).toMatchObject({ code: 0 });
    expect(await sh('ls /etc/apt/sources.list.d/')).toMatchObject({
      stdout: expect.stringContaining('recorded-ondrej-php.list'),
    });
    // npm's own config is real; the global install is recorded and leaves claude in the prefix.
    const npm = await sh(
      'npm config set prefix ~/.npm-global && npm install -g @anthropic-ai/claude-code && ~/.npm-global/bin/claude --version',
    );
    expect(npm).toMatchObject({ code: 0, stdout: expect.stringContaining('(Claude Code)') });
    // The recorded Claude installer leaves a claude that is the image's stand-in.
    const installed = await sh(
      'rm -f ~/.local/bin/claude && curl -fsSL https://claude.ai/install.sh | bash && ~/.local/bin/claude --version',
    );
    expect(installed).toMatchObject({ code: 0, stdout: expect.stringContaining('(Claude Code)') });
    expect((await sh('node --version')).stdout).toBe('v22.11.0\n');
    const calls = (await sh('cat /var/lib/tart-sim/recorders/calls.log')).stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\x1f').join(' '));
    expect(calls).toEqual([
      'apt-get root -y install nginx php8.4-fpm',
      'add-apt-repository root -y -n ppa:ondrej/php',
      'npm admin install -g @anthropic-ai/claude-code',
      'curl admin -fsSL https://claude.ai/install.sh',
      'node admin --version',
    ]);
    // Everything else is the real program: curl to a closed local port fails like curl (7),
    // npm and node run for real.
    expect((await sh('curl -s http://127.0.0.1:1/')).code).toBe(7);
    expect((await sh('npm --version')).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect((await sh('node -e "console.log(6 * 7)"')).stdout).toBe('42\n');
  });

  it('restarts php-fpm and nginx harmlessly; the web server serves the project', async () => {
    expect(await sh('sudo systemctl restart php8.4-fpm nginx')).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
    expect(await sh('sudo service nginx restart')).toMatchObject({ code: 0 });
    // Only the installed PHP's FPM has a unit (the image's PHP is 8.4).
    expect(await sh('sudo systemctl restart php8.3-fpm')).toEqual({
      code: 5,
      stdout: '',
      stderr: 'Failed to restart php8.3-fpm.service: Unit php8.3-fpm.service not found.\n',
    });
    expect(await sh('sudo systemctl restart mysql')).toEqual({
      code: 5,
      stdout: '',
      stderr: 'Failed to restart mysql.service: Unit mysql.service not found.\n',
    });
    expect((await sh('systemctl is-active nginx')).stdout).toBe('active\n');
    // mask: systemd's link to /dev/null, for any unit name; idempotent; a masked unit won't start.
    expect(await sh('sudo systemctl mask snapd.seeded.service apt-daily.timer cron')).toMatchObject(
      {
        code: 0,
      },
    );
    expect((await sh('readlink /etc/systemd/system/apt-daily.timer')).stdout).toBe('/dev/null\n');
    expect(await sh('sudo systemctl mask apt-daily.timer')).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
    expect(await sh('sudo systemctl restart cron')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'Failed to restart cron.service: Unit cron.service is masked.\n',
    });
    expect((await sh('sudo systemctl unmask cron && sudo systemctl restart cron')).code).toBe(0);
    const page = await fetch(`http://${vm.ip}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<h1>Demo</h1>');
    expect(await (await fetch(`http://${vm.ip}/hello.php`)).text()).toBe('<h1>Hi from PHP</h1>\n');
    // A route Laravel handles goes to index.php (try_files).
    expect((await fetch(`http://${vm.ip}/some/route`)).status).toBe(200);
    // nginx re-reads its site on reload.
    await sh(
      'sudo mkdir -p /var/www/other && echo other | sudo tee /var/www/other/index.html >/dev/null',
    );
    await sh(`sudo sed -i 's#root .*;#root /var/www/other;#' /etc/nginx/sites-enabled/default`);
    await sh('sudo systemctl reload nginx');
    await new Promise((r) => setTimeout(r, 200));
    expect(await (await fetch(`http://${vm.ip}/`)).text()).toBe('other\n');
    await sh(
      `sudo sed -i 's#root .*;#root /srv/project/public;#' /etc/nginx/sites-enabled/default`,
    );
    await sh('sudo systemctl reload nginx');
  });

  it('supports named shares, read-only shares, custom tags and fstab lines (mount -a)', async () => {
    const [a, b, t] = ['a', 'b', 't'].map((x) => {
      const d = mkdtempSync(join(sim.root, `share-${x}-`));
      writeFileSync(join(d, 'name'), x);
      return d;
    });
    const v = await bootVM(sim, 'shares', {
      runArgs: [`--dir=a:${a}:ro`, `--dir=b:${b}`, `--dir=${t}:tag=clave`],
    });
    const s = await sshConnect(v.ip);
    try {
      const run = (cmd: string) => sshExec(s, cmd);
      await run('sudo mkdir -p /mnt/auto /mnt/clave /mnt/fstab');
      expect(
        (await run('sudo mount -t virtiofs com.apple.virtio-fs.automount /mnt/auto')).code,
      ).toBe(0);
      expect((await run('ls /mnt/auto')).stdout).toBe('a\nb\n');
      expect((await run('cat /mnt/auto/a/name /mnt/auto/b/name')).stdout).toBe('ab');
      expect((await run('touch /mnt/auto/a/x')).stderr).toContain('Read-only file system');
      expect((await run('touch /mnt/auto/b/x')).code).toBe(0);
      expect(
        (await run('sudo mount -t virtiofs clave /mnt/clave && cat /mnt/clave/name')).stdout,
      ).toBe('t');
      await run(
        "echo 'clave /mnt/fstab virtiofs rw,relatime,nofail 0 0' | sudo tee -a /etc/fstab >/dev/null",
      );
      expect((await run('sudo mount -a')).code).toBe(0);
      expect((await run('cat /mnt/fstab/name')).stdout).toBe('t');
    } finally {
      s.end();
    }
    v.child.kill('SIGINT');
    expect(await v.exited).toBe(0);
  });

  describe('claude', () => {
    const launch = "bash -l -c 'cd /srv/project && claude --dangerously-skip-permissions'";

    it('refuses --dangerously-skip-permissions as root, unless IS_SANDBOX=1', async () => {
      const r = await sh(
        'sudo -i bash -lc "cd /srv/project && /home/admin/.local/bin/claude --dangerously-skip-permissions -p hi"',
      );
      expect(r).toMatchObject({
        code: 1,
        stderr:
          '--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons\n',
      });
      const perm = await sh(
        'sudo /home/admin/.local/bin/claude --permission-mode bypassPermissions -p hi',
      );
      expect(perm.code).toBe(1);
      const sandbox = await sh(
        'sudo IS_SANDBOX=1 /home/admin/.local/bin/claude --dangerously-skip-permissions -p hi',
      );
      expect(sandbox.stdout).toBe('Invalid API key · Please run /login\n');
    });

    it('is on the login PATH only, and needs a terminal for a session', async () => {
      expect((await sh('command -v claude || echo none')).stdout).toBe('none\n');
      expect((await sh("bash -l -c 'command -v claude'")).stdout).toBe(
        '/home/admin/.local/bin/claude\n',
      );
      const noTty = await sh(launch);
      expect(noTty.code).toBe(1);
      expect(noTty.stderr).toContain('Raw mode is not supported');
    });

    it('shows the first-run theme picker without hasCompletedOnboarding, then the login screen without auth', async () => {
      await sh('rm -f ~/.claude.json; rm -rf ~/.claude');
      const p = await PtySession.open(c, launch);
      await p.waitFor('Choose the text style that looks best with your terminal');
      p.write('\r');
      await p.waitFor('Select login method:');
      expect(p.text).not.toContain('Welcome to Claude Code!');
      p.write('\x03');
      expect(await p.waitExit()).toBe(1);
    });

    it('asks for folder trust and bypass acceptance when those keys are missing', async () => {
      await sh(`echo '{"hasCompletedOnboarding":true,"theme":"dark"}' > ~/.claude.json`);
      const p = await PtySession.open(c, `CLAUDE_CODE_OAUTH_TOKEN=sk-ant-oat01-test ${launch}`);
      await p.waitFor('Do you trust the files in this folder?');
      p.write('1');
      await p.waitFor('WARNING: Claude Code running in Bypass Permissions mode');
      p.write('\r'); // default: "No, exit"
      expect(await p.waitExit()).toBe(1);
      // Accepting trust was remembered for /srv/project.
      const saved = JSON.parse((await sh('cat ~/.claude.json')).stdout);
      expect(saved.projects['/srv/project'].hasTrustDialogAccepted).toBe(true);
    });

    it('with every key written first, starts a session in tmux that edits the project and exits on /exit', async () => {
      await sh(
        `echo '{"hasCompletedOnboarding":true,"theme":"dark","projects":{"/srv/project":{"hasTrustDialogAccepted":true,"hasCompletedProjectOnboarding":true}}}' > ~/.claude.json`,
      );
      await sh(
        `mkdir -p ~/.claude && echo '{"skipDangerousModePermissionPrompt":true,"permissions":{"skipDangerousModePermissionPrompt":true}}' > ~/.claude/settings.json`,
      );
      await sh(
        `echo '{"claudeAiOauth":{"accessToken":"sk-ant-oat01-test","refreshToken":"","expiresAt":${Date.now() + 86_400_000},"scopes":["user:inference"]}}' > ~/.claude/.credentials.json && chmod 600 ~/.claude/.credentials.json`,
      );
      expect((await sh(`tmux new-session -d -s agent -x 100 -y 30 "${launch}"`)).code).toBe(0);
      const p = await PtySession.open(c, 'tmux attach -t agent');
      await p.waitFor('Welcome to Claude Code!');
      await p.waitFor('cwd: /srv/project');
      p.write('create notes/todo.md with Written by the agent\r');
      await p.waitFor('Wrote 1 lines to notes/todo.md');
      expect(readFileSync(join(project, 'notes', 'todo.md'), 'utf8')).toBe(
        'Written by the agent\n',
      );
      p.write('/exit\r');
      await p.waitExit();
      expect((await sh('tmux has-session -t agent 2>/dev/null || echo gone')).stdout).toBe(
        'gone\n',
      );
    });

    it('answers once with -p, given auth', async () => {
      const r = await sh(
        'cd /srv/project && ANTHROPIC_API_KEY=sk-ant-api03-x bash -l -c \'claude -p "read artisan"\'',
      );
      expect(r).toMatchObject({ code: 0, stdout: '#!/usr/bin/env php\n<?php\n' });
    });
  });
});
