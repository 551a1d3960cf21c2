import { describe, expect, it } from 'vitest';
import { SESSION_ID_PATTERN } from '../../../shared/session';
import { newSessionId, projectSlug, sessionNames } from './naming';

describe('session naming', () => {
  it('makes distinct DNS-safe ids', () => {
    const ids = new Set(Array.from({ length: 2000 }, newSessionId));
    expect(ids.size).toBe(2000);
    for (const id of ids) expect(id).toMatch(SESSION_ID_PATTERN);
  });

  it('derives every resource name from the id', () => {
    expect(sessionNames('/Users/me/Code/My App', 'a1b2c3d4')).toEqual({
      id: 'a1b2c3d4',
      branch: 'clave/s-a1b2c3d4',
      vmName: 'clave-a1b2c3d4',
      worktreeDir: '/Users/me/Code/My App/.clave/wt/s-a1b2c3d4',
      proxyName: 'my-app-a1b2c3d4',
    });
  });

  it('slugs hostile and unicode folder names into DNS labels', () => {
    expect(projectSlug('/x/Café "quoted" $(rm -rf)')).toBe('cafe-quoted-rm-rf');
    expect(projectSlug('/x/日本語')).toBe('project');
    expect(projectSlug('/x/' + 'a'.repeat(60))).toHaveLength(40);
  });

  it('refuses ids that could escape a path or a shell', () => {
    expect(() => sessionNames('/p', '../../etc')).toThrow(/Invalid session id/);
  });
});
