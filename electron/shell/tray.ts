// The menu-bar icon: a template image (macOS tints it for light and dark menu bars), a badge
// (title next to the icon: how many sessions need you; tooltip: every state), and the menu,
// rebuilt whenever the host reports a change.
import { Menu, Tray, nativeImage } from 'electron';
import type { ClaveApi } from '../../shared/api';
import type { SessionSummary } from '../../shared/session';
import { buildTrayMenu, trayBadge, type TrayActions, type TrayModel } from './tray-menu';

export interface TrayOptions {
  /** build/icons/trayTemplate.png (the @2x file next to it is picked up by Electron). */
  iconPath: string;
  api: ClaveApi;
  actions: TrayActions;
  recentProjects(): string[];
  openAtLogin(): boolean;
}

export interface TrayController {
  tray: Tray;
  /** Re-reads the sessions from the host and redraws. */
  refresh(): Promise<void>;
  /** Redraws from what is known (recent projects, login item changed). */
  render(): void;
  setProvisioning(p: TrayModel['provisioning']): void;
  sessions(): SessionSummary[];
  destroy(): void;
}

export function createTray(o: TrayOptions): TrayController {
  const icon = nativeImage.createFromPath(o.iconPath);
  icon.setTemplateImage(true);
  const tray = new Tray(icon);
  let sessions: SessionSummary[] = [];
  let provisioning: TrayModel['provisioning'] = null;

  const render = () => {
    const model: TrayModel = {
      sessions,
      recentProjects: o.recentProjects(),
      openAtLogin: o.openAtLogin(),
      provisioning,
    };
    tray.setContextMenu(Menu.buildFromTemplate(buildTrayMenu(model, o.actions)));
    const badge = trayBadge(model);
    tray.setTitle(badge.title);
    tray.setToolTip(badge.tooltip);
  };

  const refresh = async () => {
    try {
      sessions = await o.api.call('sessions.list', {});
    } catch {
      // keep the last known list; the next update tries again
    }
    render();
  };

  let timer: ReturnType<typeof setTimeout> | null = null;
  const refreshSoon = () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      void refresh();
    }, 100);
  };
  // An agent's state shows in the badge and the menu as well as the session's own.
  const offs = [
    o.api.on('session.updated', refreshSoon),
    o.api.on('session.attention', refreshSoon),
  ];
  render();
  void refresh();

  return {
    tray,
    refresh,
    render,
    setProvisioning(p) {
      provisioning = p;
      render();
    },
    sessions: () => sessions,
    destroy() {
      for (const off of offs) off();
      if (timer) clearTimeout(timer);
      tray.destroy();
    },
  };
}
