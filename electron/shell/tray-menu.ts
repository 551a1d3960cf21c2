// What the menu-bar icon shows: a badge (title next to the icon, tooltip) and the menu, built
// from the sessions the host reports. Pure functions of their input, so they are tested as is.
import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { AGENT_STATE_LABEL, countNeedingYou, needingYouFirst } from '../../shared/attention';
import { stopDidNotFinish, type SessionSummary } from '../../shared/session';
import { formatBytes } from '../../shared/bytes';

export interface TrayModel {
  sessions: SessionSummary[];
  recentProjects: string[];
  openAtLogin: boolean;
  /** A provisioning run in progress: its percentage and what it does now. */
  provisioning: { percent: number; label: string } | null;
}

export interface TrayActions {
  newSession(projectDir: string): void;
  chooseFolder(): void;
  openTerminal(sessionId: string): void;
  openSite(url: string): void;
  revealWorktree(dir: string): void;
  openInEditor(dir: string): void;
  stop(sessionId: string): void;
  /** A kept session: a fresh VM on its copy, the saved conversation resumed. */
  resume(sessionId: string): void;
  /** A kept session's Merge… / Discard…, confirmed with what is at stake. */
  merge(sessionId: string): void;
  discard(sessionId: string): void;
  showWindow(): void;
  provision(): void;
  /** Settings…: the window's settings screen. */
  settings(): void;
  /** settings.json itself in the default editor (the settings screen's secondary link). */
  openSettingsFile(): void;
  setOpenAtLogin(open: boolean): void;
  quit(): void;
}

const STATE_LABEL: Record<SessionSummary['state'], string> = {
  starting: 'starting…',
  running: 'running',
  stopping: 'stopping…',
  ended: 'ended',
  failed: 'failed',
  kept: 'kept',
};

const MAX_DETAIL = 60;

/** A running session says what its agent does; a question or an error says what it is. */
function stateLabel(s: SessionSummary): string {
  if (stopDidNotFinish(s)) return 'stop did not finish';
  if (s.state !== 'running' || !s.agent) return STATE_LABEL[s.state];
  const label = AGENT_STATE_LABEL[s.agent.state];
  const detail = s.agent.detail?.replace(/\s+/g, ' ').trim();
  if (!detail || (s.agent.state !== 'needs-input' && s.agent.state !== 'error')) return label;
  // A menu item is one line: a long question is cut, the window shows it whole.
  return `${label}: ${detail.length > MAX_DETAIL ? `${detail.slice(0, MAX_DETAIL - 1)}…` : detail}`;
}

/** Live sessions: what the menu lists and the badge counts. */
export function liveSessions(sessions: SessionSummary[]): SessionSummary[] {
  return sessions.filter((s) => s.state !== 'ended');
}

/** The title next to the icon counts the sessions that need you; `!` marks a failed one. */
export function trayBadge(model: Pick<TrayModel, 'sessions' | 'provisioning'>): {
  title: string;
  tooltip: string;
} {
  const live = liveSessions(model.sessions);
  const count = (state: SessionSummary['state']) => live.filter((s) => s.state === state).length;
  const needing = countNeedingYou(live);
  const [running, starting, stopping, failed, kept] = [
    count('running'),
    count('starting'),
    count('stopping'),
    count('failed'),
    count('kept'),
  ];
  const parts = [
    needing && `${needing} need${needing === 1 ? 's' : ''} you`,
    running && `${running} running`,
    starting && `${starting} starting`,
    stopping && `${stopping} stopping`,
    failed && `${failed} failed`,
    kept && `${kept} kept`,
  ].filter(Boolean);
  let title = needing ? String(needing) : '';
  if (failed) title = `${title}${title ? ' ' : ''}!`;
  if (model.provisioning) {
    title = `${title}${title ? ' · ' : ''}${model.provisioning.percent}%`;
    parts.push(`provisioning: ${model.provisioning.label}`);
  }
  return {
    title,
    tooltip: parts.length ? `Clave — ${parts.join(', ')}` : 'Clave — no sessions',
  };
}

/** A kept session: its facts (disabled lines) and what can be done with it. */
function keptMenu(s: SessionSummary, a: TrayActions): MenuItemConstructorOptions[] {
  const facts = [
    s.hasUnmergedWork === null
      ? null
      : s.hasUnmergedWork
        ? `Work not merged into ${s.baseBranch ?? 'the base branch'} yet`
        : 'Nothing left to merge',
    s.diskBytes === null ? null : `Copy uses ${formatBytes(s.diskBytes)}`,
    s.transcriptBytes === null
      ? 'No saved conversation'
      : `Saved conversation: ${formatBytes(s.transcriptBytes)}`,
  ].filter((f): f is string => f !== null);
  return [
    ...facts.map((label) => ({ label, enabled: false })),
    { type: 'separator' },
    { label: 'Resume', click: () => a.resume(s.id) },
    { label: 'Merge…', click: () => a.merge(s.id) },
    { label: 'Discard…', click: () => a.discard(s.id) },
    { type: 'separator' },
    {
      label: 'Reveal in Finder',
      enabled: s.worktreeDir !== null,
      click: () => s.worktreeDir && a.revealWorktree(s.worktreeDir),
    },
    {
      label: 'Open in Editor',
      enabled: s.worktreeDir !== null,
      click: () => s.worktreeDir && a.openInEditor(s.worktreeDir),
    },
    { label: 'Show in Window', click: () => a.openTerminal(s.id) },
  ];
}

function sessionMenu(s: SessionSummary, a: TrayActions): MenuItemConstructorOptions {
  const running = s.state === 'running';
  if (s.state === 'kept') {
    return {
      label: `${s.projectName}${s.branch ? ` (${s.branch})` : ''} — ${STATE_LABEL[s.state]}`,
      id: `session-${s.id}`,
      submenu: keptMenu(s, a),
    };
  }
  return {
    label: `${s.projectName}${s.branch ? ` (${s.branch})` : ''} — ${stateLabel(s)}`,
    id: `session-${s.id}`,
    submenu: [
      { label: 'Open Terminal', click: () => a.openTerminal(s.id) },
      {
        label: s.url ? `Open Site (${s.url.replace(/^https?:\/\//, '')})` : 'Open Site',
        enabled: running && s.url !== null,
        click: () => s.url && a.openSite(s.url),
      },
      {
        label: 'Reveal Worktree in Finder',
        enabled: s.worktreeDir !== null,
        click: () => s.worktreeDir && a.revealWorktree(s.worktreeDir),
      },
      {
        label: 'Open in Editor',
        enabled: s.worktreeDir !== null,
        click: () => s.worktreeDir && a.openInEditor(s.worktreeDir),
      },
      { type: 'separator' },
      {
        label: 'Stop…',
        enabled: ['running', 'starting', 'failed'].includes(s.state) || stopDidNotFinish(s),
        click: () => a.stop(s.id),
      },
    ],
  };
}

export function buildTrayMenu(model: TrayModel, a: TrayActions): MenuItemConstructorOptions[] {
  // The sessions waiting on you come first: the menu is where a glance at the badge leads.
  const live = needingYouFirst(liveSessions(model.sessions), (s) => s);
  const recent: MenuItemConstructorOptions[] = model.recentProjects.map((dir) => ({
    label: path.basename(dir) || dir,
    toolTip: dir,
    click: () => a.newSession(dir),
  }));
  return [
    {
      label: 'New session for…',
      submenu: [
        ...recent,
        ...(recent.length ? [{ type: 'separator' as const }] : []),
        { label: 'Choose Folder…', accelerator: 'CmdOrCtrl+N', click: () => a.chooseFolder() },
      ],
    },
    { type: 'separator' },
    ...(live.length
      ? live.map((s) => sessionMenu(s, a))
      : [{ label: 'No sessions', enabled: false }]),
    { type: 'separator' },
    { label: 'Show Window', click: () => a.showWindow() },
    model.provisioning
      ? { label: `Provisioning… ${model.provisioning.percent}%`, enabled: false }
      : { label: 'Provision Base Image…', click: () => a.provision() },
    { label: 'Settings…', accelerator: 'CmdOrCtrl+,', click: () => a.settings() },
    {
      label: 'Open at Login',
      type: 'checkbox',
      checked: model.openAtLogin,
      click: () => a.setOpenAtLogin(!model.openAtLogin),
    },
    { type: 'separator' },
    { label: 'Quit Clave', accelerator: 'CmdOrCtrl+Q', click: () => a.quit() },
  ];
}
