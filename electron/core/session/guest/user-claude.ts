// The person's own Claude setup on this Mac, read for the session's VM: `~/.claude/CLAUDE.md`,
// the allow-listed part of `~/.claude/settings.json` (user-settings.ts) and the localhost MCP
// servers of `~/.claude.json` (mcp.ts). A missing file carries nothing; an unreadable, oversized
// or malformed one carries nothing of itself and becomes a warning — never a failed start.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Problem } from '../../../../shared/session';
import type { ProjectConfig } from '../../config/project-config';
import { pickMcpServers, skippedWarning, type McpPick } from './mcp';
import { pickUserSettings, type UserSettings } from './user-settings';

export interface UserClaude {
  claudeMd: string | null;
  settings: UserSettings;
  mcp: McpPick;
  warnings: Problem[];
}

export const NOTHING_CARRIED: UserClaude = {
  claudeMd: null,
  settings: {},
  mcp: { carried: [], skipped: [] },
  warnings: [],
};

/** Where each file is, relative to the Mac's HOME, and how big it may be to be read at all. */
const FILES = {
  claudeMd: { at: ['.claude', 'CLAUDE.md'], maxBytes: 256 * 1024 },
  settings: { at: ['.claude', 'settings.json'], maxBytes: 1024 * 1024 },
  // Claude keeps per-project history in it: it grows, but not to this.
  state: { at: ['.claude.json'], maxBytes: 64 * 1024 * 1024 },
} as const;

const OFF_KEY = {
  claudeMd: 'carryClaudeMd',
  settings: 'carrySettings',
  state: 'mcpTunnels',
} as const;

type Read = { text: string } | { missing: true } | { problem: Problem };

async function readMacFile(home: string, which: keyof typeof FILES): Promise<Read> {
  const { at, maxBytes } = FILES[which];
  const file = path.join(home, ...at);
  const off = `"claude": {"${OFF_KEY[which]}": false} in .clave.json`;
  try {
    const size = (await stat(file)).size;
    if (size > maxBytes) {
      return {
        problem: {
          what: `${file} was not carried into the VM`,
          why: `It is ${size} bytes; at most ${maxBytes} are read.`,
          fix: `Make it smaller, or turn this off with ${off}.`,
        },
      };
    }
    return { text: await readFile(file, 'utf8') };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { missing: true };
    return {
      problem: {
        what: `${file} was not carried into the VM`,
        why: (e as Error).message,
        fix: `Make it readable, or turn this off with ${off}.`,
      },
    };
  }
}

async function readMacJson(
  home: string,
  which: 'settings' | 'state',
): Promise<{ value: unknown } | null | { problem: Problem }> {
  const read = await readMacFile(home, which);
  if ('missing' in read) return null;
  if ('problem' in read) return read;
  try {
    return { value: JSON.parse(read.text) as unknown };
  } catch (e) {
    const file = path.join(home, ...FILES[which].at);
    // The parser's message quotes the file's text, which may hold a token: keep the place only.
    const at = /position (\d+)/.exec((e as Error).message)?.[1];
    return {
      problem: {
        what: `${file} was not carried into the VM`,
        why: `It is not valid JSON${at ? ` (at character ${at})` : ''}.`,
        fix: `Correct the JSON in ${file}, or turn this off with "claude": {"${OFF_KEY[which]}": false} in .clave.json.`,
      },
    };
  }
}

/** What of the Mac's Claude setup goes into this session's VM, as `.clave.json` allows. */
export async function readUserClaude(
  macHome: string,
  projectDir: string,
  allowed: ProjectConfig['claude'],
): Promise<UserClaude> {
  const out: UserClaude = { ...NOTHING_CARRIED, warnings: [] };
  if (allowed.carryClaudeMd) {
    const md = await readMacFile(macHome, 'claudeMd');
    if ('text' in md) out.claudeMd = md.text;
    if ('problem' in md) out.warnings.push(md.problem);
  }
  if (allowed.carrySettings) {
    const settings = await readMacJson(macHome, 'settings');
    if (settings && 'problem' in settings) out.warnings.push(settings.problem);
    if (settings && 'value' in settings) {
      const file = path.join(macHome, ...FILES.settings.at);
      const pick = pickUserSettings(settings.value, file, macHome);
      out.settings = pick.settings;
      out.warnings.push(...pick.warnings);
    }
  }
  if (allowed.mcpTunnels) {
    const state = await readMacJson(macHome, 'state');
    if (state && 'problem' in state) out.warnings.push(state.problem);
    if (state && 'value' in state) {
      out.mcp = pickMcpServers(state.value, projectDir);
      const skipped = skippedWarning(out.mcp.skipped);
      if (skipped) out.warnings.push(skipped);
    }
  }
  return out;
}
