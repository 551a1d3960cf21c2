import { describe, expect, it } from 'vitest';
import type { ChangedFile } from '../shared/api';
import { formatCommit, selects } from './changes';

const file = (path: string, oldPath: string | null = null): ChangedFile => ({
  path,
  oldPath,
  status: oldPath ? 'renamed' : 'modified',
  additions: 1,
  deletions: 0,
  binary: false,
  uncommitted: false,
});

describe('clave diff paths', () => {
  it('name a file or a folder, literally, either side of a rename', () => {
    expect(selects([], file('a.php'))).toBe(true);
    expect(selects(['app'], file('app/x.php'))).toBe(true);
    expect(selects(['app/'], file('app/x.php'))).toBe(true);
    expect(selects(['app'], file('apple.php'))).toBe(false);
    expect(selects(['app/*.php'], file('app/x.php'))).toBe(false);
    expect(selects(['old/x.php'], file('new/x.php', 'old/x.php'))).toBe(true);
  });
});

describe('clave log', () => {
  it("lays a commit out as git log's medium format", () => {
    expect(
      formatCommit({
        sha: 'abc',
        subject: 'Add x',
        body: 'Because.\n\nMore.',
        author: 'Ann',
        date: '2026-01-01T00:00:00Z',
      }),
    ).toBe(
      'commit abc\nAuthor: Ann\nDate:   2026-01-01T00:00:00Z\n\n    Add x\n\n    Because.\n\n    More.\n',
    );
  });
});
