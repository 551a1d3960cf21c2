// The generated script, run for real as root in a sandbox (private mount namespace, overlays on
// /etc and /usr/local, recorders for apt/curl/npm/systemctl…): what it would install, that it
// converges when run again, how it reports progress and failure.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseMarker, type Marker } from './markers';
import { FSTAB_LINE, nginxSite, scriptSteps, toScript, type ScriptMode } from './script';
import { GENERATOR_VERSION, type ProvisionSpecInput } from './spec';
import { BOOT_MASKED_UNITS, CLOUD_INIT_DISABLED } from './boot-tuning';
import { createSandbox, type Sandbox } from './testing/sandbox';

let sandbox: Sandbox;
beforeEach(() => {
  sandbox = createSandbox();
});
afterEach(() => sandbox.close());

async function provision(spec: ProvisionSpecInput = {}, mode: ScriptMode = 'install') {
  const file = path.join(sandbox.root, `provision-${mode}.sh`);
  writeFileSync(file, toScript(spec, mode));
  sandbox.recorders.reset();
  const run = await sandbox.exec(`bash ${file}`);
  const markers = run.output
    .split('\n')
    .map(parseMarker)
    .filter((m): m is Marker => m !== null);
  return {
    ...run,
    markers,
    calls: sandbox.recorders.calls(),
    lines: sandbox.recorders.commandLines(),
  };
}

describe('the provisioning script in a sandboxed guest', () => {
  it('installs everything for the VM user and reports each section', async () => {
    const run = await provision();
    expect(run.output).not.toContain('::clave::fail');
    expect(run.code).toBe(0);

    const steps = scriptSteps();
    const started = run.markers.filter((m) => m.kind === 'step');
    expect(started.map((m) => m.id)).toEqual(steps.map((s) => s.id));
    expect(run.markers.filter((m) => m.kind === 'ok').map((m) => m.id)).toEqual(
      steps.map((s) => s.id),
    );
    expect(run.markers.at(-1)?.kind).toBe('complete');

    // What would be installed, and by whom.
    const apt = run.lines.filter((l) => l.startsWith('apt-get'));
    expect(apt.some((l) => l.includes(' install ') && l.includes(' tmux'))).toBe(true);
    expect(apt.find((l) => l.includes(' php8.4-fpm'))).toMatch(
      /php8\.4-cli php8\.4-fpm php8\.4-common php8\.4-curl .* php8\.4-zip$/,
    );
    expect(apt.some((l) => l.endsWith(' install nodejs'))).toBe(true);
    expect(apt.some((l) => l.endsWith(' install --no-install-recommends nginx'))).toBe(true);
    expect(run.lines).toContain('add-apt-repository -y -n ppa:ondrej/php');
    expect(run.lines).toContain('systemctl restart php8.4-fpm');
    expect(run.lines).toContain('systemctl restart nginx');

    const claude = run.calls.filter(
      (c) => c.program === 'curl' && c.args.includes('https://claude.ai/install.sh'),
    );
    expect(claude).toHaveLength(1);
    expect(claude[0]?.user).toBe('admin');
    const claudeRuns = run.calls.filter((c) => c.program === 'claude');
    expect(claudeRuns.length).toBeGreaterThan(0);
    expect(claudeRuns.every((c) => c.user === 'admin')).toBe(true);
    expect(run.calls.filter((c) => c.program === 'composer').every((c) => c.user === 'admin')).toBe(
      true,
    );

    // What it wrote.
    const pool = await sandbox.read('/etc/php/8.4/fpm/pool.d/www.conf');
    expect(pool).toContain('user = admin\ngroup = admin\n');
    expect(pool).toContain('listen = /run/php/php8.4-fpm.sock');
    expect(await sandbox.read('/etc/nginx/sites-available/clave')).toBe(nginxSite('8.4'));
    expect((await sandbox.exec('readlink /etc/nginx/sites-enabled/clave')).output.trim()).toBe(
      '/etc/nginx/sites-available/clave',
    );
    expect(await sandbox.read('/etc/apt/sources.list.d/nodesource.list')).toContain(
      'https://deb.nodesource.com/node_22.x nodistro main',
    );
    expect(await sandbox.read('/etc/profile.d/clave.sh')).toContain('$HOME/.local/bin');
    expect(await sandbox.read('/etc/tmux.conf')).toContain('history-limit');
    expect((await sandbox.exec('stat -c %U:%a /srv/project')).output.trim()).toBe('admin:755');
    const onboarding = JSON.parse((await sandbox.read('/home/admin/.claude.json')) ?? '{}');
    expect(onboarding).toMatchObject({
      hasCompletedOnboarding: true,
      projects: { '/srv/project': { hasTrustDialogAccepted: true } },
    });
    expect((await sandbox.exec('stat -c %U:%a /home/admin/.claude.json')).output.trim()).toBe(
      'admin:600',
    );
    const stamp = JSON.parse((await sandbox.read('/etc/clave/base-image.json')) ?? '{}');
    expect(stamp).toMatchObject({
      generator: GENERATOR_VERSION,
      mode: 'install',
      spec: { user: 'admin' },
    });
    const fstab = (await sandbox.read('/etc/fstab')) ?? '';
    expect(fstab.split('\n').filter((l) => l === FSTAB_LINE)).toHaveLength(1);
  });

  it('converges when run again: no duplicate lines, no repeated downloads', async () => {
    // An older, different line for the same mount point must be replaced, not kept.
    await sandbox.exec(
      `printf '%s\\n' 'com.apple.virtio-fs.automount /srv/project virtiofs rw 0 0' >> /etc/fstab`,
    );
    const first = await provision();
    expect(first.code).toBe(0);
    const filesAfterFirst = await sandbox.exec(
      'cat /etc/fstab /etc/php/8.4/fpm/pool.d/www.conf /etc/nginx/sites-available/clave ' +
        '/etc/apt/sources.list.d/* /etc/profile.d/clave.sh /home/admin/.claude.json ' +
        '/home/admin/.claude/settings.json',
    );

    const second = await provision();
    expect(second.output).not.toContain('::clave::fail');
    expect(second.code).toBe(0);
    const filesAfterSecond = await sandbox.exec(
      'cat /etc/fstab /etc/php/8.4/fpm/pool.d/www.conf /etc/nginx/sites-available/clave ' +
        '/etc/apt/sources.list.d/* /etc/profile.d/clave.sh /home/admin/.claude.json ' +
        '/home/admin/.claude/settings.json',
    );
    expect(filesAfterSecond.output).toBe(filesAfterFirst.output);

    const fstab = ((await sandbox.read('/etc/fstab')) ?? '').split('\n');
    expect(fstab.filter((l) => l.includes('/srv/project'))).toEqual([FSTAB_LINE]);
    // The PPA, Composer and Claude Code are found in place and not fetched again.
    expect(second.lines.filter((l) => l.startsWith('add-apt-repository'))).toEqual([]);
    expect(second.output).toContain('ppa:ondrej/php is already configured');
    expect(second.lines.filter((l) => l.startsWith('curl') && l.includes('claude.ai'))).toEqual([]);
    expect(second.lines.filter((l) => l.includes('getcomposer.org'))).toEqual([]);
    expect(second.output).toContain('Composer is already installed');
    expect(second.output).toContain('Claude Code is already installed for admin');
  });

  it('switches off cloud-init, snapd, apt timers and wait-online for the next boots', async () => {
    const first = await provision();
    expect(first.code).toBe(0);
    expect(first.markers.filter((m) => m.kind === 'ok').map((m) => m.id)).toContain('boot');
    // cloud-init still ran this boot (the image's first): the script waited for it, and leaves
    // its growpart alone.
    expect(first.lines).toContain('cloud-init status --wait');
    expect(first.lines.filter((l) => l.startsWith('cloud-init single'))).toEqual([]);
    expect(await sandbox.read(CLOUD_INIT_DISABLED)).toBe('');
    const masked = first.lines.filter((l) => l.startsWith('systemctl mask'));
    expect(masked).toEqual([`systemctl mask ${BOOT_MASKED_UNITS.join(' ')}`]);
    for (const unit of [
      'snapd.seeded.service',
      'snapd.socket',
      'apt-daily.timer',
      'apt-daily-upgrade.timer',
      'unattended-upgrades.service',
      'systemd-networkd-wait-online.service',
    ]) {
      expect(BOOT_MASKED_UNITS).toContain(unit);
    }
    // Masked last: nothing the script itself runs depends on them.
    const boot = first.lines.indexOf(masked[0]!);
    expect(
      first.lines.slice(boot + 1).some((l) => l.startsWith('apt-get') && l.includes(' install')),
    ).toBe(false);

    // Again on a clone of that base (as `--update` runs): this boot skipped cloud-init, so the
    // script grows the disk itself, and converges to the same state.
    const update = await provision({}, 'update');
    expect(update.code).toBe(0);
    expect(update.lines.filter((l) => l.startsWith('cloud-init single'))).toEqual([
      'cloud-init single --name growpart --frequency always',
      'cloud-init single --name resizefs --frequency always',
    ]);
    expect(update.lines.filter((l) => l.startsWith('systemctl mask'))).toEqual(masked);
    expect(await sandbox.read(CLOUD_INIT_DISABLED)).toBe('');
  });

  it('keeps the user’s own keys when it merges the onboarding files', async () => {
    await sandbox.exec(
      `install -d -o admin -g admin /home/admin && printf '%s' '{"theme":"light","mine":1,"projects":{"/x":{"a":1}}}' > /home/admin/.claude.json`,
    );
    expect((await provision()).code).toBe(0);
    const merged = JSON.parse((await sandbox.read('/home/admin/.claude.json')) ?? '{}');
    expect(merged).toMatchObject({
      mine: 1,
      theme: 'dark',
      hasCompletedOnboarding: true,
      projects: { '/x': { a: 1 }, '/srv/project': { hasTrustDialogAccepted: true } },
    });
  });

  it('update mode refreshes Composer and Claude Code even when present', async () => {
    expect((await provision()).code).toBe(0);
    const update = await provision({}, 'update');
    expect(update.code).toBe(0);
    expect(update.lines.some((l) => l.startsWith('apt-get') && l.endsWith(' full-upgrade'))).toBe(
      true,
    );
    expect(update.calls.filter((c) => c.args.includes('https://claude.ai/install.sh'))).toEqual([
      expect.objectContaining({ program: 'curl', user: 'admin' }),
    ]);
    expect(
      update.lines.filter((l) => l.includes('https://getcomposer.org/installer')),
    ).toHaveLength(1);
    const stamp = JSON.parse((await sandbox.read('/etc/clave/base-image.json')) ?? '{}');
    expect(stamp.mode).toBe('update');
  });

  it('installs Claude Code with npm under the user’s prefix when asked', async () => {
    const run = await provision({ claudeInstaller: 'npm' });
    expect(run.code).toBe(0);
    const npm = run.calls.filter((c) => c.program === 'npm' && c.args[0] !== '--version');
    expect(npm.map((c) => [c.user, ...c.args].join(' '))).toEqual([
      'admin config set prefix /home/admin/.npm-global',
      'admin install -g @anthropic-ai/claude-code@latest',
    ]);
    expect((await sandbox.exec('test -x /home/admin/.npm-global/bin/claude')).code).toBe(0);
  });

  it('installs in-VM MySQL and Redis, extra packages, another PHP and Node', async () => {
    sandbox.recorders.setVersion('php', '8.3.14');
    sandbox.recorders.setVersion('node', 'v20.18.0');
    const run = await provision({
      php: { version: '8.3', extensions: ['pgsql'] },
      nodeMajor: 20,
      extraPackages: ['htop'],
      services: { mysql: true, redis: true },
    });
    expect(run.output).not.toContain('::clave::fail');
    expect(run.code).toBe(0);
    expect(run.lines).toContain(
      'apt-get -y -q -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold install --no-install-recommends php8.3-cli php8.3-fpm php8.3-common php8.3-pgsql',
    );
    expect(run.lines.some((l) => l.endsWith(' install mysql-server'))).toBe(true);
    expect(run.lines.some((l) => l.endsWith(' install redis-server'))).toBe(true);
    expect(run.lines.some((l) => l.endsWith(' install htop'))).toBe(true);
    expect(run.lines).toContain('systemctl restart redis-server');
    expect(sandbox.recorders.stdin()).toContain("CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'");
    expect(await sandbox.read('/etc/nginx/sites-available/clave')).toContain('php8.3-fpm.sock');
    expect(await sandbox.read('/etc/apt/sources.list.d/nodesource.list')).toContain('node_20.x');
  });

  it('stops at the first failing section and names it', async () => {
    sandbox.recorders.fail('apt-get', 100, 'php8.4-fpm');
    const run = await provision();
    expect(run.code).toBe(100);
    const fail = run.markers.find((m) => m.kind === 'fail');
    expect(fail).toMatchObject({ kind: 'fail', id: 'php', exitCode: 100 });
    expect(fail?.kind === 'fail' && fail.line).toBeGreaterThan(0);
    expect(run.markers.some((m) => m.kind === 'complete')).toBe(false);
    expect(run.markers.filter((m) => m.kind === 'step').at(-1)).toMatchObject({ id: 'php' });
    expect(run.lines.some((l) => l.includes('nginx'))).toBe(false);
  });

  it('fails the verify section when the wrong Node major got installed', async () => {
    sandbox.recorders.setVersion('node', 'v18.19.1');
    const run = await provision();
    expect(run.code).not.toBe(0);
    expect(run.output).toContain('Node.js: expected v22.*, found: v18.19.1');
    expect(run.markers.find((m) => m.kind === 'fail')).toMatchObject({ id: 'verify' });
  });

  it('retries network calls, then gives up with the command named', async () => {
    sandbox.recorders.fail('add-apt-repository', 1);
    const file = path.join(sandbox.root, 'fast-retry.sh');
    // Same script, shorter pauses, so the test stays fast.
    writeFileSync(file, toScript().replace(/retry 3 10 /g, 'retry 3 0 '));
    const run = await sandbox.exec(`bash ${file}`);
    expect(run.code).not.toBe(0);
    expect(sandbox.recorders.commandLines().filter((l) => l.startsWith('add-apt'))).toHaveLength(3);
    expect(run.output).toContain(
      'Giving up after 3 attempts: add-apt-repository -y -n ppa:ondrej/php',
    );
  });

  it('refuses to run as anyone but root, before touching anything', async () => {
    const file = path.join(sandbox.root, 'provision.sh');
    writeFileSync(file, toScript());
    const run = await sandbox.exec(`runuser -u admin -- bash ${file}`);
    expect(run.code).toBe(1);
    expect(run.output).toContain('must run as root');
    expect(sandbox.recorders.calls()).toEqual([]);
  });
});
