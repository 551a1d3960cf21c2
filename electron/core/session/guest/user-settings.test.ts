import { claveHooks } from '../attention/hook-script';
import { describe, expect, it } from 'vitest';
import { claudeSettingsJson } from './claude-config';
import { mergeSettings, namesMacPath, pickUserSettings } from './user-settings';

const HOME = '/Users/ana';
const pick = (raw: unknown) => pickUserSettings(raw, `${HOME}/.claude/settings.json`, HOME);

describe("the Mac's settings.json allow-list", () => {
  it('carries the allowed keys and nothing else: never hooks, statusLine or apiKeyHelper', () => {
    const { settings, warnings } = pick({
      model: 'opus',
      alwaysThinkingEnabled: true,
      includeCoAuthoredBy: false,
      outputStyle: 'Explanatory',
      cleanupPeriodDays: 3,
      hooks: { Stop: [{ hooks: [{ type: 'command', command: `${HOME}/bin/ding` }] }] },
      statusLine: { type: 'command', command: '~/.claude/status.sh' },
      apiKeyHelper: '/usr/local/bin/key',
      forceLoginMethod: 'console',
      permissions: { allow: ['Bash(npm run test)'], defaultMode: 'plan' },
    });
    expect(settings).toEqual({
      model: 'opus',
      alwaysThinkingEnabled: true,
      includeCoAuthoredBy: false,
      outputStyle: 'Explanatory',
      permissions: { allow: ['Bash(npm run test)'] },
    });
    expect(warnings).toEqual([]);
  });

  it('drops env entries that are secrets or paths on the Mac', () => {
    const { settings } = pick({
      env: {
        DB_HOST: '127.0.0.1',
        FEATURE: 'on',
        GITHUB_TOKEN: 'ghp_x',
        OPENAI_API_KEY: 'sk-x',
        ANTHROPIC_BASE_URL: 'http://localhost:4000',
        PATH: '/opt/homebrew/bin:/usr/bin',
        COMPOSER_HOME: 'composer',
        NOTES: `${HOME}/notes`,
        CACHE: '/var/cache/x',
        'BAD NAME': 'x',
      },
    });
    expect(settings.env).toEqual({ DB_HOST: '127.0.0.1', FEATURE: 'on' });
  });

  it('drops permission rules naming a Mac path, keeps the rest of each list', () => {
    const { settings } = pick({
      permissions: {
        allow: ['Read(~/.zshrc)', 'Bash(git log *)', `Edit(${HOME}/Code/**)`],
        deny: ['Read(/Users/ana/.ssh/**)', 'Bash(rm -rf *)', 'WebFetch(domain:example.com)'],
        ask: ['Read(/Volumes/Backup/**)'],
      },
    });
    expect(settings.permissions).toEqual({
      allow: ['Bash(git log *)'],
      deny: ['Bash(rm -rf *)', 'WebFetch(domain:example.com)'],
    });
  });

  it('a value of the wrong type is dropped with a warning; a non-object file carries nothing', () => {
    const r = pick({ model: 5, alwaysThinkingEnabled: 'yes', includeCoAuthoredBy: true });
    expect(r.settings).toEqual({ includeCoAuthoredBy: true });
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]!.why).toMatch(/settings\.json: model, alwaysThinkingEnabled: not the/);
    expect(r.warnings[0]!.fix).toMatch(/"carrySettings": false/);
    for (const raw of [null, [], 'x', 3]) {
      const bad = pick(raw);
      expect(bad.settings).toEqual({});
      expect(bad.warnings[0]!.why).toMatch(/does not hold a JSON object/);
    }
  });

  it('a "__proto__" key neither carries nor reshapes anything', () => {
    const raw = JSON.parse('{"__proto__":{"hooks":{"x":1}},"env":{"__proto__":"y","A":"b"}}');
    const { settings } = pick(raw);
    expect(Object.getPrototypeOf(settings)).toBe(Object.prototype);
    expect(settings).toEqual({ env: { A: 'b' } });
  });

  it('knows what names a Mac path', () => {
    for (const v of ['~/x', '/Users/bob', 'Read(/Applications/X.app)', '/opt/homebrew/bin/php'])
      expect(namesMacPath(v, HOME)).toBe(true);
    for (const v of ['Bash(npm test)', 'sonnet', 'http://localhost:3000', 'a~/b'])
      expect(namesMacPath(v, HOME)).toBe(false);
    expect(namesMacPath('/home/someone/Users', '/home/someone')).toBe(true);
  });
});

describe("merging the person's settings with Clave's", () => {
  const clave = {
    skipDangerousModePermissionPrompt: true,
    permissions: { skipDangerousModePermissionPrompt: true, deny: ['Bash(sudo *)'] },
    env: { DISABLE_AUTOUPDATER: '1' },
  };
  const hooks = { Stop: [{ hooks: [{ type: 'command', command: '~/.clave/hook.sh Stop' }] }] };

  it("neither overwrites the other: env and rules merge, Clave's keys and hooks stay", () => {
    const merged = mergeSettings(
      clave,
      {
        model: 'opus',
        env: { DB_HOST: 'db', DISABLE_AUTOUPDATER: '0' },
        permissions: { allow: ['Bash(ls)'], deny: ['Bash(sudo *)', 'Bash(rm *)'] },
      },
      hooks,
    );
    expect(merged).toEqual({
      model: 'opus',
      skipDangerousModePermissionPrompt: true,
      env: { DB_HOST: 'db', DISABLE_AUTOUPDATER: '1' },
      permissions: {
        skipDangerousModePermissionPrompt: true,
        allow: ['Bash(ls)'],
        deny: ['Bash(sudo *)', 'Bash(rm *)'],
      },
      hooks,
    });
  });

  it("the person's hooks never come in, even handed to the merge directly", () => {
    const user = { hooks: { Stop: [] }, model: 'x' } as unknown as Parameters<
      typeof mergeSettings
    >[1];
    expect(mergeSettings(clave, user, hooks).hooks).toEqual(hooks);
    expect(mergeSettings(clave, user)).not.toHaveProperty('hooks');
  });

  it('the VM settings file carries the allow-listed keys and keeps the bypass suppression', () => {
    const s = JSON.parse(
      claudeSettingsJson(
        {},
        pick({ model: 'opus', hooks: { Stop: [] }, permissions: { allow: ['Bash(ls)'] } }).settings,
      ),
    );
    expect(s).toEqual({
      model: 'opus',
      skipDangerousModePermissionPrompt: true,
      permissions: { skipDangerousModePermissionPrompt: true, allow: ['Bash(ls)'] },
      // Clave's own hooks only: the person's Stop hook stayed on the Mac.
      hooks: claveHooks(),
    });
  });
});
