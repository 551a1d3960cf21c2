// Hooks as Claude Code runs them (contracts/claude-code.md §8): read from every settings layer
// (user ~/.claude/settings.json, project .claude/settings.json and .claude/settings.local.json),
// matcher groups per event, each handler a shell command with the event's JSON on stdin,
// $CLAUDE_PROJECT_DIR set, killed after its timeout (seconds, default 60). Handlers run in
// parallel and Claude waits for them; a timeout is reported on screen like the real one does.
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

type Json = Record<string, unknown>;

export interface Handler {
  command: string;
  timeoutSec: number;
}

interface Group {
  matcher?: string;
  hooks: Handler[];
}

function readJson(path: string): Json | undefined {
  try {
    const v = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return v && typeof v === 'object' ? (v as Json) : undefined;
  } catch {
    return undefined;
  }
}

/** One settings file that exists, and which layer it is. */
export interface Layer {
  kind: 'user' | 'project' | 'local';
  settings: Json;
}

export function settingsLayers(home: string, cwd: string): Layer[] {
  const files = {
    user: `${home}/.claude/settings.json`,
    project: `${cwd}/.claude/settings.json`,
    local: `${cwd}/.claude/settings.local.json`,
  };
  return Object.entries(files).flatMap(([kind, path]) => {
    const settings = readJson(path);
    return settings ? [{ kind: kind as Layer['kind'], settings }] : [];
  });
}

/**
 * Where the simulated Claude records every hook event it emits, whether or not a hook is
 * configured: one `{t, event, payload}` line each. Simulator-only (the real Claude keeps no such
 * file), so tests can wait for an event without installing hooks of their own.
 */
export const eventRecord = (home: string): string => `${home}/.claude-sim/events.jsonl`;

function groups(layers: Layer[], event: string): Group[] {
  const out: Group[] = [];
  for (const { settings: layer } of layers) {
    const list = (layer.hooks as Json | undefined)?.[event];
    if (!Array.isArray(list)) continue;
    for (const g of list as Json[]) {
      const hooks = (Array.isArray(g.hooks) ? (g.hooks as Json[]) : [])
        .filter((h) => (h.type ?? 'command') === 'command' && typeof h.command === 'string')
        .map((h) => ({
          command: h.command as string,
          timeoutSec: typeof h.timeout === 'number' && h.timeout > 0 ? h.timeout : 60,
        }));
      out.push({ matcher: typeof g.matcher === 'string' ? g.matcher : undefined, hooks });
    }
  }
  return out;
}

/** Empty, "*" or missing matches everything; otherwise a regex over the whole value. */
export function matches(matcher: string | undefined, value: string | undefined): boolean {
  if (!matcher || matcher === '*' || value === undefined) return true;
  try {
    return new RegExp(`^(?:${matcher})$`).test(value);
  } catch {
    return matcher === value;
  }
}

function runOne(h: Handler, input: string, cwd: string): Promise<'ok' | 'timeout'> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', h.command], {
      cwd,
      env: { ...process.env, CLAUDE_PROJECT_DIR: cwd },
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true,
    });
    const timer = setTimeout(() => {
      // The whole process group: a `sleep` inside the command must not outlive the hook.
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
      resolve('timeout');
    }, h.timeoutSec * 1000);
    child.on('error', () => (clearTimeout(timer), resolve('ok')));
    child.on('exit', () => (clearTimeout(timer), resolve('ok')));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

export class Hooks {
  constructor(
    private readonly home: string,
    private readonly cwd: string,
    /** Shows a line in the TUI (the real Claude reports hook timeouts there). */
    private readonly notice: (line: string) => void,
  ) {}

  /** Runs the event's hooks whose matcher fits `matchOn`; resolves when all ended or timed out. */
  async fire(event: string, payload: Json, matchOn?: string): Promise<void> {
    const input = JSON.stringify({ ...payload, hook_event_name: event });
    const record = eventRecord(this.home);
    mkdirSync(dirname(record), { recursive: true });
    appendFileSync(record, `{"t":${Date.now()},"event":"${event}","payload":${input}}\n`);
    // Read on every event: settings edited during a session take effect, as in Claude Code.
    const layers = settingsLayers(this.home, this.cwd);
    const handlers = groups(layers, event)
      .filter((g) => matches(g.matcher, matchOn))
      .flatMap((g) => g.hooks);
    if (!handlers.length) return;
    const results = await Promise.all(handlers.map((h) => runOne(h, input, this.cwd)));
    results.forEach((r, i) => {
      const h = handlers[i]!;
      if (r === 'timeout') {
        this.notice(
          `  ⎿  ${event} hook [${h.command}] timed out after ${h.timeoutSec}s\n     Its output was discarded. Raise the hook's "timeout" to allow more time.`,
        );
      }
    });
  }
}
