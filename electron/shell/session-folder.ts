// The window's "Open in Editor" / "Reveal in Finder" for a session's copy. The window names the
// session, never a path: main looks the copy up from the host, so a page cannot make the app
// open an arbitrary file (shell.openPath runs what it opens).
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { existsSync } from 'node:fs';
import { z } from 'zod';
import type { ClaveApi } from '../../shared/api';
import { ApiError } from '../../shared/protocol';
import { SessionId, type Problem } from '../../shared/session';
import { DesktopChannel } from './desktop-channels';

export const SessionFolderRequest = z
  .object({ sessionId: SessionId, how: z.enum(['editor', 'finder']) })
  .strict();
export type SessionFolderRequest = z.infer<typeof SessionFolderRequest>;

export interface FolderActions {
  openInEditor(dir: string): void;
  revealWorktree(dir: string): void;
}

export function createSessionFolderOpener(
  api: ClaveApi,
  actions: FolderActions,
  exists: (dir: string) => boolean = existsSync,
) {
  return async ({ sessionId, how }: SessionFolderRequest): Promise<Problem | null> => {
    let dir: string | null;
    try {
      dir = (await api.call('sessions.get', { id: sessionId })).worktreeDir;
    } catch (e) {
      return e instanceof ApiError ? e.problem : { what: String(e) };
    }
    if (!dir) return { what: 'This session has no copy to open' };
    if (!exists(dir)) {
      return {
        what: `The session copy ${dir} is gone`,
        why: 'It was moved or deleted outside Clave.',
        fix: 'Discard the session to remove its record.',
      };
    }
    if (how === 'editor') actions.openInEditor(dir);
    else actions.revealWorktree(dir);
    return null;
  };
}

/** The window's request, from the trusted window only and validated here; answers why not. */
export function serveSessionFolderIpc(
  isTrustedSender: (event: IpcMainInvokeEvent) => boolean,
  open: (request: SessionFolderRequest) => Promise<Problem | null>,
) {
  ipcMain.handle(
    DesktopChannel.openSessionFolder,
    async (event, request: unknown): Promise<Problem | null> => {
      if (!isTrustedSender(event)) return { what: 'IPC from an untrusted frame was refused' };
      const parsed = SessionFolderRequest.safeParse(request);
      if (!parsed.success) return { what: 'Invalid request to open a session copy' };
      return open(parsed.data);
    },
  );
  return () => ipcMain.removeHandler(DesktopChannel.openSessionFolder);
}
