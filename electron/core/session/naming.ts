// Every name a session leaves on the machine derives from its id, so teardown and
// reconciliation can find a session's VM, branch, copy and proxy from the id alone.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { SESSION_ID_PATTERN } from '../../../shared/session';
import { sessionBranchName, sessionCopyPath } from '../host/git';

// The id rule (lower-case letters and digits, 8 of them) is shared/session.ts's SessionId.
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function newSessionId(): string {
  const bytes = randomBytes(16);
  let id = '';
  for (const b of bytes) {
    if (b >= 252) continue; // 252 = 7 * 36: dropping the rest keeps every symbol equally likely
    id += ALPHABET[b % 36];
    if (id.length === 8) return id;
  }
  return newSessionId();
}

/** A DNS-label-safe project name: `My App (v2)` → `my-app-v2`. */
export function projectSlug(projectDir: string): string {
  const slug = path
    .basename(path.resolve(projectDir))
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '');
  return slug || 'project';
}

export interface SessionNames {
  id: string;
  branch: string;
  vmName: string;
  worktreeDir: string;
  proxyName: string;
}

export function sessionNames(projectDir: string, id: string): SessionNames {
  if (!SESSION_ID_PATTERN.test(id)) throw new Error(`Invalid session id "${id}"`);
  return {
    id,
    branch: sessionBranchName(id),
    vmName: `clave-${id}`,
    worktreeDir: sessionCopyPath(path.resolve(projectDir), id),
    proxyName: `${projectSlug(projectDir)}-${id}`,
  };
}
