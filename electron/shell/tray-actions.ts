// What the tray's menu items do. Sessions are started and ended through the shared API like
// every other face; the rest is desktop glue (folder picker, Finder, editor, login item, quit).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MessageBoxOptions, MessageBoxReturnValue, OpenDialogOptions } from 'electron';
import type { ClaveApi } from '../../shared/api';
import { ApiError } from '../../shared/protocol';
import type { Problem } from '../../shared/session';
import { endSessionWithDialog } from './exit-dialog';
import { discardWithDialog, mergeWithDialog } from './kept-dialogs';
import { isAllowedExternalUrl } from './external-links';
import type { TrayActions } from './tray-menu';

export interface TrayActionDeps {
  api: ClaveApi;
  dialog: {
    showMessageBox(options: MessageBoxOptions): Promise<MessageBoxReturnValue>;
    showOpenDialog(options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
  };
  shell: {
    openExternal(url: string): Promise<void>;
    showItemInFolder(fullPath: string): void;
    openPath(path: string): Promise<string>;
  };
  app: {
    setLoginItemSettings(settings: { openAtLogin: boolean }): void;
    quit(): void;
  };
  /** Runs a program without a shell (the editor); rejects when it cannot start. */
  launch(file: string, args: string[]): Promise<void>;
  platform: NodeJS.Platform;
  settingsFile: string;
  /** The user's editor from settings (an app name on macOS, else a command), if set. */
  editor(): string | undefined;
  addRecent(projectDir: string): void;
  liveSessionCount(): number;
  showWindow(): void;
  focusSession(sessionId: string): void;
  /** Shows the window on its settings screen. */
  showSettings(): void;
  provision(): void;
  /** The login item changed, or a start added a recent project: redraw the menu. */
  changed(): void;
}

function problemOf(e: unknown): Problem {
  return e instanceof ApiError ? e.problem : { what: e instanceof Error ? e.message : String(e) };
}

export function createTrayActions(d: TrayActionDeps): TrayActions {
  const showProblem = (title: string, p: Problem) =>
    d.dialog.showMessageBox({
      type: 'error',
      message: `${title}: ${p.what}`,
      detail: [p.why, p.fix && `What to do: ${p.fix}`].filter(Boolean).join('\n\n'),
    });

  const newSession = async (projectDir: string) => {
    try {
      const s = await d.api.call('sessions.start', { projectDir });
      d.addRecent(s.projectDir);
      d.changed();
      // The window shows the progress and, if it comes to that, why the start failed.
      d.showWindow();
      d.focusSession(s.id);
    } catch (e) {
      await showProblem('Could not start a session', problemOf(e));
    }
  };

  // Two clicks on Resume (or the tray's and the window's) must start one VM.
  const resuming = new Set<string>();
  const resume = async (id: string) => {
    if (resuming.has(id)) return;
    resuming.add(id);
    try {
      await d.api.call('sessions.resume', { id });
      // The window shows the new VM's progress and then the resumed conversation.
      d.showWindow();
      d.focusSession(id);
    } catch (e) {
      await showProblem('Could not resume the session', problemOf(e));
    } finally {
      resuming.delete(id);
    }
  };

  const openSettingsFile = async () => {
    try {
      if (!existsSync(d.settingsFile)) {
        mkdirSync(path.dirname(d.settingsFile), { recursive: true, mode: 0o700 });
        writeFileSync(d.settingsFile, '{}\n', { mode: 0o600 });
      }
      const error = await d.shell.openPath(d.settingsFile);
      if (error) await showProblem('Could not open the settings', { what: error });
    } catch (e) {
      await showProblem('Could not open the settings', problemOf(e));
    }
  };

  return {
    newSession: (dir) => void newSession(dir),
    chooseFolder: () =>
      void d.dialog
        .showOpenDialog({
          title: 'New session for…',
          message: 'Choose the folder of a Laravel project (a git repository).',
          buttonLabel: 'Start Session',
          properties: ['openDirectory'],
        })
        .then((r) => {
          const dir = r.filePaths[0];
          if (!r.canceled && dir) return newSession(dir);
        }),
    openTerminal: (id) => {
      d.showWindow();
      d.focusSession(id);
    },
    openSite: (url) => {
      if (isAllowedExternalUrl(url)) void d.shell.openExternal(url);
    },
    revealWorktree: (dir) => d.shell.showItemInFolder(dir),
    openInEditor: (dir) =>
      void (async () => {
        const editor = d.editor();
        if (!editor) {
          const { response } = await d.dialog.showMessageBox({
            type: 'info',
            message: 'No editor is set',
            detail:
              'Set the editor in Clave’s settings: an app name on macOS (e.g. "Visual Studio Code", "PhpStorm", "Cursor") or a command.',
            buttons: ['Open Settings', 'Cancel'],
            defaultId: 0,
            cancelId: 1,
            noLink: true,
          });
          if (response === 0) d.showSettings();
          return;
        }
        try {
          if (d.platform === 'darwin') await d.launch('open', ['-a', editor, dir]);
          else await d.launch(editor, [dir]);
        } catch (e) {
          await showProblem(`Could not open ${editor}`, problemOf(e));
        }
      })(),
    stop: (id) => void endSessionWithDialog(d.api, d.dialog, id, 'user'),
    resume: (id) => void resume(id),
    merge: (id) => void mergeWithDialog(d.api, d.dialog, id),
    discard: (id) => void discardWithDialog(d.api, d.dialog, id),
    showWindow: () => d.showWindow(),
    provision: () => d.provision(),
    settings: () => d.showSettings(),
    openSettingsFile: () => void openSettingsFile(),
    setOpenAtLogin: (open) => {
      d.app.setLoginItemSettings({ openAtLogin: open });
      d.changed();
    },
    quit: () =>
      void (async () => {
        const n = d.liveSessionCount();
        if (n > 0) {
          const { response } = await d.dialog.showMessageBox({
            type: 'question',
            message: 'Quit Clave?',
            detail: `${n} session${n > 1 ? 's are' : ' is'} still running. Quitting stops ${
              n > 1 ? 'their VMs' : 'its VM'
            }; the work stays in each session copy (kept), to merge or discard later.`,
            buttons: ['Quit', 'Cancel'],
            defaultId: 1,
            cancelId: 1,
            noLink: true,
          });
          if (response !== 0) return;
        }
        d.app.quit();
      })(),
  };
}
