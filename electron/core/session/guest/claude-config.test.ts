import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { authEnvFile, claudeJson, claudeSettingsJson, launchScript } from './claude-config';

const dir = mkdtempSync(path.join(tmpdir(), 'clave-claude-cfg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Claude config written into the VM', () => {
  it('pre-answers onboarding and trust for /srv/project', () => {
    const j = JSON.parse(claudeJson({ kind: 'oauth-token', value: 'sk-ant-oat01-x' }));
    expect(j.hasCompletedOnboarding).toBe(true);
    expect(j.projects['/srv/project']).toMatchObject({ hasTrustDialogAccepted: true });
    expect(j.customApiKeyResponses).toBeUndefined();
  });

  it('approves an API key by its last 20 characters only', () => {
    const key = 'sk-ant-api03-' + 'k'.repeat(30) + 'ABCDEFGHIJKLMNOPQRST';
    const j = JSON.parse(claudeJson({ kind: 'api-key', value: key }));
    expect(j.customApiKeyResponses.approved).toEqual(['ABCDEFGHIJKLMNOPQRST']);
    expect(JSON.stringify(j)).not.toContain('sk-ant-api03');
  });

  it('suppresses the bypass warning at the top level and under permissions', () => {
    const s = JSON.parse(claudeSettingsJson());
    expect(s.skipDangerousModePermissionPrompt).toBe(true);
    expect(s.permissions.skipDangerousModePermissionPrompt).toBe(true);
  });

  it('keeps a hostile secret intact through the env file, and off the command line', () => {
    const secret = `sk-ant-oat01-'$(touch ${dir}/pwned)"\`x\``;
    mkdirSync(path.join(dir, '.clave'));
    writeFileSync(
      path.join(dir, '.clave/auth.env'),
      authEnvFile({ kind: 'oauth-token', value: secret }),
    );
    // The launch script's own first lines source it, with HOME as the VM user's.
    const head = launchScript().split('\n').slice(0, 4).join('\n');
    const out = execFileSync('bash', ['-c', `${head}\nprintf %s "$CLAUDE_CODE_OAUTH_TOKEN"`], {
      env: { HOME: dir, PATH: process.env.PATH },
    });
    expect(out.toString()).toBe(secret);
    expect(existsSync(path.join(dir, 'pwned'))).toBe(false);
    expect(launchScript()).not.toContain('sk-ant');
    expect(launchScript()).toContain('claude --dangerously-skip-permissions');
  });

  it('passes resume arguments to Claude, quoted', () => {
    const script = launchScript(['--resume', '0b4c-9f $x']);
    expect(script).toContain("exec claude --dangerously-skip-permissions --resume '0b4c-9f $x'");
  });
});
