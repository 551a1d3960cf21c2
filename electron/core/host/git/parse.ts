// Pure helpers: git's machine output parsed, ids checked, paths kept inside the repo.
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { invalid } from './errors';
import { SessionIdSchema, type CommitInfo, type FileChange } from './types';

// ---------------------------------------------------------------- pure helpers (exported for tests)

export function parsePorcelainZ(stdout: string): FileChange[] {
  const fields = stdout.split('\0');
  const out: FileChange[] = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    if (field === undefined || field.length < 4) continue;
    const index = field[0] ?? ' ';
    const worktree = field[1] ?? ' ';
    const change: FileChange = { path: field.slice(3), index, worktree };
    if (index === 'R' || index === 'C' || worktree === 'R' || worktree === 'C') {
      const orig = fields[i + 1];
      if (orig !== undefined) change.origPath = orig;
      i++;
    }
    out.push(change);
  }
  return out;
}

export function parseLog(stdout: string): CommitInfo[] {
  return stdout
    .split('\x1e')
    .map((record) => record.replace(/^\n/, ''))
    .filter((record) => record !== '')
    .map((record) => {
      const [sha = '', subject = '', author = '', date = ''] = record.split('\x1f');
      return { sha, subject, author, date: date.trim() };
    });
}

export function parseId(id: string): string {
  const r = SessionIdSchema.safeParse(id);
  if (!r.success)
    throw invalid(`"${id}" is not a valid session id (${r.error.issues[0]?.message ?? ''}).`);
  return r.data;
}

export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

export async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch {
    return false;
  }
}
