// The message a squash merge gets when the person gives none, made from the session's commits:
// stated once here, so the host's default and the message the faces prefill are the same.
import type { Commit } from './api';

/** `commits` newest first (as Changes and ExitInfo hold them). */
export function squashMessage(
  sessionId: string,
  commits: readonly Pick<Commit, 'subject' | 'body'>[],
): string {
  const oldestFirst = [...commits].reverse();
  const only = oldestFirst.length === 1 ? oldestFirst[0] : undefined;
  if (only) return only.body ? `${only.subject}\n\n${only.body}\n` : `${only.subject}\n`;
  const title =
    oldestFirst.length === 0
      ? `Clave session ${sessionId}`
      : `Clave session ${sessionId}: ${oldestFirst.length} commits`;
  return [title, '', ...oldestFirst.map((c) => `* ${c.subject}`)].join('\n').trimEnd() + '\n';
}
