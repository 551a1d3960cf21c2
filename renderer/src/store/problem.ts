import type { Problem } from '../../../shared/session';
import { ApiError } from '../../../shared/protocol';

/** The host's Problem behind a failed call; anything else becomes a Problem with its message. */
export function problemOf(error: unknown): Problem {
  if (error instanceof ApiError) return error.problem;
  const p = error as Partial<Problem> & { message?: unknown };
  if (p && typeof p === 'object' && typeof p.what === 'string') {
    return {
      what: p.what,
      ...(typeof p.why === 'string' ? { why: p.why } : {}),
      ...(typeof p.fix === 'string' ? { fix: p.fix } : {}),
    };
  }
  // Electron IPC wraps a main-process error as "Error invoking remote method '…': Error: <msg>".
  const message = error instanceof Error ? error.message : String(error);
  return { what: message.replace(/^Error invoking remote method '[^']*': (\w*Error: )?/, '') };
}
