import { describe, expect, it } from 'vitest';
import { squashMessage } from './squash-message';

describe("a squash commit's default message", () => {
  it("is the only commit's own message", () => {
    expect(squashMessage('a1b2c3d4', [{ subject: 'Add x', body: 'Why.' }])).toBe('Add x\n\nWhy.\n');
    expect(squashMessage('a1b2c3d4', [{ subject: 'Add x', body: '' }])).toBe('Add x\n');
  });

  it('lists several commits oldest first under one title', () => {
    const newestFirst = [
      { subject: 'third', body: '' },
      { subject: 'second', body: 'b' },
      { subject: 'first', body: '' },
    ];
    expect(squashMessage('a1b2c3d4', newestFirst)).toBe(
      'Clave session a1b2c3d4: 3 commits\n\n* first\n* second\n* third\n',
    );
  });

  it('names the session when the agent made no commits', () => {
    expect(squashMessage('a1b2c3d4', [])).toBe('Clave session a1b2c3d4\n');
  });
});
