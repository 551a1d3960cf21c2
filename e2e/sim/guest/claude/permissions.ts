// Which tool calls stop at a permission dialog, as Claude Code 2.1.332 decides it
// (contract/claude-code-2.1.332.md, "Permission dialogs"):
//  - without bypass, every tool but Read asks (the simulated Claude's simple default mode);
//  - in bypass mode (--dangerously-skip-permissions) only two things still ask: a call matching a
//    `permissions.ask` rule of a settings layer ("Rule Bash(echo asked:*) from user settings says
//    to ask."), and an `rm -r…` of a critical path (/, $HOME) — "Dangerous rm operation on critical
//    path: /home/admin". Writes to Claude's own config (~/.claude/, the project's .claude/, .git/)
//    do NOT ask in 2.1.332: the "protected paths" prompt of older versions (contracts §4,
//    anthropics/claude-code#37765 on 2.1.81) was lifted for bypass mode (docs: "never
//    auto-approved except in bypassPermissions mode"), and the suite checks it.
import { relative, resolve } from 'node:path';
import type { Layer } from './hooks';
import type { ToolCall } from './model';

export interface Dialog {
  /** Why it asks, shown above the question (bypass mode), or undefined for a plain ask. */
  reason?: string;
  /** The answers offered, in order; the first is always the yes. */
  options: string[];
  /** `permission_suggestions` of the PermissionRequest hook, when the real one sends it. */
  suggestions?: unknown[];
}

const LAYER_NAMES = { user: 'user settings', project: 'project settings', local: 'local settings' };

/** `Tool` or `Tool(spec)`; Bash specs are `prefix:*` or a glob, path tools' specs are globs. */
export function ruleMatches(rule: string, call: ToolCall, cwd: string): boolean {
  const m = /^([A-Za-z]+)(?:\((.*)\))?$/.exec(rule.trim());
  if (!m || m[1] !== call.tool) return false;
  const spec = m[2];
  if (spec === undefined || spec === '' || spec === '*') return true;
  if (call.tool === 'Bash') {
    const command = String(call.input.command ?? '');
    if (spec.endsWith(':*')) return command.startsWith(spec.slice(0, -2));
    return glob(spec, false).test(command);
  }
  const file = String(call.input.file_path ?? '');
  const pattern = spec.startsWith('//') ? spec.slice(1) : resolve(cwd, spec);
  return glob(pattern, true).test(file) || glob(spec, true).test(relative(cwd, file));
}

/** `*` within a path segment (anywhere for commands), `**` across segments. */
function glob(pattern: string, paths: boolean): RegExp {
  const any = paths ? '[^/]*' : '.*';
  const body = pattern
    .split('**')
    .map((part) =>
      part
        .split('*')
        .map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join(any),
    )
    .join('.*');
  return new RegExp(`^${body}$`);
}

function askRule(call: ToolCall, layers: Layer[], cwd: string): string | undefined {
  for (const layer of layers) {
    const ask = (layer.settings.permissions as { ask?: unknown } | undefined)?.ask;
    if (!Array.isArray(ask)) continue;
    const rule = ask.find((r): r is string => typeof r === 'string' && ruleMatches(r, call, cwd));
    if (rule) return `Rule ${rule} from ${LAYER_NAMES[layer.kind]} says to ask.`;
  }
  return undefined;
}

/** The critical path an `rm -r` would remove, if it names one. */
export function dangerousRm(command: string, home: string): string | undefined {
  const words = command.trim().split(/\s+/);
  if (words[0] !== 'rm' || !words.some((w) => /^-[a-zA-Z]*[rR]/.test(w))) return undefined;
  for (const w of words.slice(1).filter((x) => !x.startsWith('-'))) {
    const path = w.replace(/^(~|\$HOME|\$\{HOME\})(?=\/|$)/, home).replace(/\/+$/, '') || '/';
    if (path === '/' || path === home || path === '/*') return path;
  }
  return undefined;
}

export function permissionDialog(
  call: ToolCall,
  opts: { bypass: boolean; layers: Layer[]; cwd: string; home: string },
): Dialog | undefined {
  const rule = askRule(call, opts.layers, opts.cwd);
  const critical = call.tool === 'Bash' ? dangerousRm(String(call.input.command), opts.home) : '';
  if (opts.bypass) {
    if (rule) return { reason: rule, options: ['Yes', 'No'] };
    if (critical) {
      return {
        reason: `Dangerous rm operation on critical path: ${critical}`,
        options: ['Yes', 'No'],
        suggestions: [],
      };
    }
    return undefined;
  }
  // Reading and starting a subagent need no permission (the latter not verified).
  if ((call.tool === 'Read' || call.tool === 'Agent') && !rule) return undefined;
  // 2.1.332's suggestions: for `echo plain > plain.txt` in the project, adding the cwd for the
  // session; for a Write, switching to acceptEdits. (Its Bash dialog offers four options, "always
  // allow access to <dir>" and "switch to auto mode" among them; the simulated one keeps three.)
  const suggestions =
    call.tool === 'Bash'
      ? [{ type: 'addDirectories', directories: [opts.cwd], destination: 'session' }]
      : [{ type: 'setMode', mode: 'acceptEdits', destination: 'session' }];
  return {
    reason: rule,
    options: [
      'Yes',
      "Yes, and don't ask again this session",
      'No, and tell Claude what to do differently (esc)',
    ],
    suggestions,
  };
}
