import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseMarker } from './markers';
import {
  BASE_PACKAGES,
  FSTAB_LINE,
  scriptSteps,
  toScript,
  type ScriptMode,
  nginxSite,
  fpmSocketPath,
} from './script';
import { DEFAULT_PHP_EXTENSIONS, ProvisionSpecError, type ProvisionSpecInput } from './spec';

// Every variant the inputs can produce: each one is shellchecked and syntax-checked.
const variants: Array<{ name: string; spec: ProvisionSpecInput; mode: ScriptMode }> = [
  { name: 'defaults', spec: {}, mode: 'install' },
  { name: 'defaults, update', spec: {}, mode: 'update' },
  { name: 'npm installer', spec: { claudeInstaller: 'npm' }, mode: 'install' },
  { name: 'npm installer, update', spec: { claudeInstaller: 'npm' }, mode: 'update' },
  { name: 'in-VM MySQL', spec: { services: { mysql: true } }, mode: 'install' },
  { name: 'in-VM Redis', spec: { services: { redis: true } }, mode: 'install' },
  {
    name: 'everything',
    spec: {
      user: 'dev',
      php: { version: '8.3', extensions: ['pgsql', 'redis', 'xdebug'] },
      nodeMajor: 20,
      extraPackages: ['htop', 'libpq-dev', 'g++'],
      services: { mysql: true, redis: true },
    },
    mode: 'update',
  },
];

const scratch = mkdtempSync(path.join(tmpdir(), 'clave-script-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function lines(script: string): string[] {
  return script.split('\n');
}

/** The body of one section function (between `section_<id>() {` and the closing brace). */
function section(script: string, id: string): string {
  const start = script.indexOf(`section_${id.replace(/-/g, '_')}() {\n`);
  if (start < 0) throw new Error(`no section ${id}`);
  const end = script.indexOf('\n}\n\n', start);
  return script.slice(start, end);
}

describe('every script variant', () => {
  const files = variants.map((v, i) => {
    const file = path.join(scratch, `variant-${i}.sh`);
    writeFileSync(file, toScript(v.spec, v.mode));
    return { ...v, file };
  });

  it('is shellcheck-clean at the strictest severity', () => {
    const result = spawnSync(
      '/usr/bin/shellcheck',
      ['--shell=bash', '--severity=style', '--format=json1', ...files.map((f) => f.file)],
      { encoding: 'utf8' },
    );
    const report = JSON.parse(result.stdout || '{"comments":[]}') as {
      comments: Array<{ file: string; line: number; code: number; message: string }>;
    };
    const byVariant = report.comments.map((c) => {
      const variant = files.find((f) => f.file === c.file)?.name ?? c.file;
      return `${variant}: line ${c.line}: SC${c.code} ${c.message}`;
    });
    expect(byVariant).toEqual([]);
    expect(result.status).toBe(0);
  });

  it('shellcheck does catch a broken script (the check can fail)', () => {
    const broken = path.join(scratch, 'broken.sh');
    writeFileSync(broken, `${toScript()}\nrm -rf $CLAVE_TMP/*\n`);
    const result = spawnSync('/usr/bin/shellcheck', ['--shell=bash', broken], { encoding: 'utf8' });
    expect(result.status).not.toBe(0);
    expect(result.stdout).toContain('SC2115');
  });

  it.each(files)('$name: parses with bash -n', ({ file }) => {
    expect(() => execFileSync('bash', ['-n', file])).not.toThrow();
  });

  it.each(files)('$name: is strict, ordered and self-contained', ({ file, spec, mode }) => {
    const script = toScript(spec, mode);
    const ls = lines(script);
    expect(ls[0]).toBe('#!/usr/bin/env bash');
    expect(ls).toContain('set -euo pipefail');
    expect(ls).toContain('exec 2>&1');
    expect(ls).toContain(`readonly CLAVE_MODE=${mode}`);
    // Self-contained: nothing sourced or executed from next to the script.
    const code = ls.filter((l) => !/^\s*#/.test(l)).join('\n');
    expect(code).not.toMatch(/\$\(dirname|BASH_SOURCE|\$0|(^|[;(]\s*)source /m);
    expect(code.match(/(^|\()\s*\. \S+/gm)).toEqual(['(. /etc/os-release']);
    expect(file).toBeTruthy();
  });

  it.each(files)('$name: announces every section with a marker, in order', ({ spec, mode }) => {
    const script = toScript(spec, mode);
    const steps = scriptSteps(spec, mode);
    const runs = lines(script).filter((l) => l.startsWith('run_step '));
    expect(runs).toHaveLength(steps.length);
    steps.forEach((step, i) => {
      expect(runs[i]).toMatch(
        new RegExp(`^run_step ${i + 1} ${steps.length} ${step.id} '[^']+' section_`),
      );
      // The marker run_step prints for this section parses back to the same step.
      const marker = parseMarker(`::clave::step ${i + 1}/${steps.length} ${step.id} ${step.title}`);
      expect(marker).toEqual({
        kind: 'step',
        index: i + 1,
        total: steps.length,
        id: step.id,
        title: step.title,
      });
      expect(script).toContain(`section_${step.id.replace(/-/g, '_')}() {`);
    });
    expect(steps[0]?.id).toBe('preflight');
    expect(steps.at(-1)?.id).toBe('finalize');
    expect(script).toMatch(/printf '::clave::complete %ss\\n'/);
  });
});

describe('content', () => {
  const script = toScript();

  it('installs base packages including tmux, jq and the PPA tooling', () => {
    const body = section(script, 'system');
    for (const pkg of BASE_PACKAGES) expect(body).toContain(` ${pkg}`);
    expect(body).toContain('apt_get full-upgrade');
    expect(BASE_PACKAGES).toContain('tmux');
  });

  it('installs PHP 8.4 with FPM and every default extension from ppa:ondrej/php', () => {
    const body = section(script, 'php');
    expect(body).toContain('add-apt-repository -y -n ppa:ondrej/php');
    for (const pkg of ['cli', 'fpm', 'common', ...DEFAULT_PHP_EXTENSIONS]) {
      expect(body).toMatch(new RegExp(` php8\\.4-${pkg}( |$)`, 'm'));
    }
  });

  it('runs the FPM pool as the VM user on the standard socket', () => {
    const body = section(script, 'php-fpm');
    expect(script).toContain('readonly CLAVE_USER=admin');
    expect(body).toContain('user = $CLAVE_USER');
    expect(body).toContain('group = $CLAVE_GROUP');
    expect(body).toContain('listen = /run/php/php$CLAVE_PHP-fpm.sock');
    expect(body).toContain('listen.owner = www-data');
    expect(body).toContain('systemctl restart "php$CLAVE_PHP-fpm"');
    expect(fpmSocketPath('8.4')).toBe('/run/php/php8.4-fpm.sock');
  });

  it('installs Composer from the verified official installer', () => {
    const body = section(script, 'composer');
    expect(body).toContain('https://composer.github.io/installer.sig');
    expect(body).toContain('sha384sum');
    expect(body).toContain('--install-dir=/usr/local/bin --filename=composer');
  });

  it('serves a Laravel site rooted at /srv/project/public through the FPM socket', () => {
    const site = nginxSite('8.4');
    expect(site).toContain('root /srv/project/public;');
    expect(site).toContain('fastcgi_pass unix:/run/php/php8.4-fpm.sock;');
    expect(site).toContain('try_files $uri $uri/ /index.php?$query_string;');
    expect(site).toContain('server_name _;');
    const body = section(script, 'nginx');
    expect(body).toContain(site);
    // Quoted heredoc: nginx's $uri must reach the file literally.
    expect(body).toContain("<<'EOF'");
    expect(body).toContain('rm -f /etc/nginx/sites-enabled/default');
    expect(body).toContain('nginx -t');
  });

  it('installs Node.js 22 from NodeSource, pinned over Ubuntu’s own nodejs', () => {
    const body = section(script, 'node');
    expect(script).toContain('readonly CLAVE_NODE_MAJOR=22');
    expect(body).toContain('https://deb.nodesource.com/node_$CLAVE_NODE_MAJOR.x nodistro main');
    expect(body).toContain('Pin: origin deb.nodesource.com');
    expect(section(script, 'verify')).toContain('"v$CLAVE_NODE_MAJOR."');
  });

  it('installs Claude Code as the VM user, never as root, and pre-answers onboarding', () => {
    const body = section(script, 'claude-code');
    expect(body).toContain('as_user curl -fsSL https://claude.ai/install.sh');
    expect(body).toContain('as_user bash "$CLAVE_TMP/user/claude-install.sh"');
    expect(body).toContain('retry 3 20 install_claude');
    expect(body).toContain('"hasCompletedOnboarding":true');
    expect(body).toContain('"/srv/project":{"hasTrustDialogAccepted":true');
    expect(body).toContain('"permissions":{"skipDangerousModePermissionPrompt":true}');
    expect(body).toContain('export DISABLE_AUTOUPDATER=1');
    expect(script).toContain('runuser -u "$CLAVE_USER" --');
    // No root installs of Claude anywhere.
    expect(script).not.toMatch(/sudo npm|npm install -g(?!.*as_user)|^\s*curl [^\n]*claude/m);
    const npm = section(toScript({ claudeInstaller: 'npm' }), 'claude-code');
    expect(npm).toContain('as_user npm config set prefix "$CLAVE_HOME/.npm-global"');
    expect(npm).toContain('as_user npm install -g @anthropic-ai/claude-code@latest');
    expect(npm).not.toContain('claude.ai/install.sh');
  });

  it('configures tmux, creates /srv/project and the virtiofs fstab entry', () => {
    expect(section(script, 'tmux')).toContain('set -g history-limit 50000');
    const body = section(script, 'project');
    expect(FSTAB_LINE).toBe(
      'com.apple.virtio-fs.automount /srv/project virtiofs rw,relatime,nofail 0 0',
    );
    expect(script).toContain(`readonly CLAVE_FSTAB_LINE='${FSTAB_LINE}'`);
    expect(body).toContain('install -d -m 755 -o "$CLAVE_USER" -g "$CLAVE_GROUP"');
  });

  it('adds MySQL and Redis only when in-VM services are on', () => {
    expect(script).not.toContain('mysql-server');
    expect(script).not.toContain('redis-server');
    const both = toScript({ services: { mysql: true, redis: true } });
    expect(section(both, 'mysql')).toContain('apt_get install mysql-server');
    expect(section(both, 'mysql')).toContain('CREATE DATABASE IF NOT EXISTS laravel;');
    expect(section(both, 'redis')).toContain('apt_get install redis-server');
    const ids = scriptSteps({ services: { redis: true } }).map((s) => s.id);
    expect(ids).toContain('redis');
    expect(ids).not.toContain('mysql');
  });

  it('honours another PHP version, extension list, Node major, user and extra packages', () => {
    const custom = toScript({
      user: 'dev',
      php: { version: '8.3', extensions: ['pgsql', 'pgsql'] },
      nodeMajor: 20,
      extraPackages: ['htop', 'libpq-dev'],
    });
    expect(custom).toContain('readonly CLAVE_USER=dev');
    expect(custom).toContain('readonly CLAVE_NODE_MAJOR=20');
    const php = section(custom, 'php');
    expect(php).toMatch(/php8\.3-cli php8\.3-fpm php8\.3-common php8\.3-pgsql$/m);
    expect(php).not.toContain('php8.4');
    expect(section(custom, 'extra-packages')).toContain('apt_get install htop libpq-dev');
    expect(nginxSite('8.3')).toContain('php8.3-fpm.sock');
    expect(custom).toContain(nginxSite('8.3'));
    expect(scriptSteps({}).map((s) => s.id)).not.toContain('extra-packages');
  });

  it('stamps the image with the spec and its hash', () => {
    expect(section(script, 'finalize')).toContain('/etc/clave/base-image.json');
    const stamp = /^readonly CLAVE_STAMP='(.*)'$/m.exec(script)?.[1];
    const parsed = JSON.parse(stamp ?? 'null') as { specHash: string; spec: { user: string } };
    expect(parsed.spec.user).toBe('admin');
    expect(parsed.specHash).toMatch(/^[0-9a-f]{16}$/);
    expect(toScript({ nodeMajor: 20 })).not.toContain(parsed.specHash);
  });
});

describe('idempotence markers', () => {
  const install = toScript();
  const update = toScript({}, 'update');

  it('never appends to a system file blindly', () => {
    // The only append is to the script's own temp copy of fstab.
    const appends = lines(install).filter((l) => />>\s*\S/.test(l));
    expect(appends).toEqual(['    printf \'%s\\n\' "$CLAVE_FSTAB_LINE" >>"$CLAVE_TMP/fstab"']);
  });

  it('keeps exactly one fstab line for the share, replacing an older one', () => {
    const body = section(install, 'project');
    expect(body).toContain('if grep -qxF -- "$CLAVE_FSTAB_LINE" /etc/fstab; then');
    expect(body).toContain('$2 != dir');
    expect(body).toContain('write_file /etc/fstab');
    expect(body).toContain('if mountpoint -q "$CLAVE_PROJECT_DIR"; then');
  });

  it('adds the PPA only when it is not configured yet', () => {
    expect(section(install, 'php')).toMatch(
      /if grep -rqs 'ondrej\/php' \/etc\/apt\/sources.list.d\/; then[\s\S]*else\n\s+retry 3 10 add-apt-repository/,
    );
  });

  it('writes config files whole and atomically, links with -sfn, dirs with install -d', () => {
    expect(install).toContain('install -D -m "$mode"');
    expect(install).toContain('mv -f "$path.clave-new" "$path"');
    const writes = install.match(/^\s*write_file \S+/gm) ?? [];
    expect(writes.length).toBeGreaterThanOrEqual(8);
    expect(install).toContain('ln -sfn /etc/nginx/sites-available/clave');
    expect(install).not.toMatch(/^\s*mkdir (?!-p)/m);
    expect(install).not.toMatch(/^\s*cat >\s*\/etc/m);
  });

  it('restarts services instead of starting them, so a second run applies new config', () => {
    expect(install).not.toMatch(/systemctl start /);
    expect(install).toMatch(/systemctl restart nginx/);
  });

  it('skips Composer and Claude Code when present on install, always refreshes them on update', () => {
    for (const script of [install, update]) {
      expect(section(script, 'composer')).toContain(
        'if [ "$CLAVE_MODE" = install ] && [ -x /usr/local/bin/composer ]; then',
      );
      expect(section(script, 'claude-code')).toContain(
        'if [ "$CLAVE_MODE" = install ] && as_user sh -c \'command -v claude\'',
      );
    }
    expect(install).toContain('readonly CLAVE_MODE=install');
    expect(update).toContain('readonly CLAVE_MODE=update');
  });

  it('merges the onboarding JSON instead of overwriting the user’s file', () => {
    expect(install).toContain(`jq --argjson seed "$seed" '. * $seed' "$path"`);
  });

  it('uses IF NOT EXISTS for MySQL objects', () => {
    const body = section(toScript({ services: { mysql: true } }), 'mysql');
    expect(body).toContain('CREATE USER IF NOT EXISTS');
    expect(body).not.toMatch(/CREATE (DATABASE|USER) (?!IF NOT EXISTS)/);
  });
});

describe('input validation', () => {
  it.each<[string, unknown]>([
    ['root user', { user: 'root' }],
    ['user with a space', { user: 'ad min' }],
    ['package with shell syntax', { extraPackages: ['htop; rm -rf /'] }],
    ['package with quotes', { extraPackages: ["x'y"] }],
    ['PHP version with shell syntax', { php: { version: '8.4$(reboot)' } }],
    ['extension with a slash', { php: { extensions: ['../x'] } }],
    ['Node major too old', { nodeMajor: 12 }],
    ['Node major not an integer', { nodeMajor: 22.5 }],
    ['unknown key', { phpVersion: '8.4' }],
    ['unknown installer', { claudeInstaller: 'brew' }],
  ])('rejects %s', (_name, input) => {
    expect(() => toScript(input as ProvisionSpecInput)).toThrow(ProvisionSpecError);
  });

  it('names the offending field', () => {
    try {
      toScript({ extraPackages: ['ok', 'NOT OK'] });
      expect.unreachable();
    } catch (error) {
      expect((error as ProvisionSpecError).issues.join()).toMatch(/^extraPackages\.1: /);
    }
  });
});
