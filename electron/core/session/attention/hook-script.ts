// Claude Code's hooks in the VM (contracts/claude-code.md §8): one tiny POSIX sh script that
// appends each event as one JSON line to a spool file the host follows over ssh. It must never
// slow, block or steer Claude: always exit 0, print nothing, no network.

/** Relative to the VM user's home (RunClaudeCode writes it over sftp). */
export const HOOK_SCRIPT = '.clave/hook.sh';
export const SPOOL_FILE = '.clave/events.jsonl';
/** A payload over this many bytes is replaced by null (and `"truncated":true`). */
export const MAX_PAYLOAD_BYTES = 64 * 1024;
/** Seconds Claude waits for the hook; it takes milliseconds, this only bounds a stuck disk. */
const HOOK_TIMEOUT_S = 10;

/**
 * The events Clave listens to. PermissionRequest exists in newer Claude versions only; a version
 * without it ignores the key.
 */
export const HOOK_EVENTS = [
  'SessionStart',
  'UserPromptSubmit',
  'PreToolUse',
  'PostToolUse',
  'Notification',
  'PermissionRequest',
  'Stop',
  'StopFailure',
  'SessionEnd',
] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

interface HookHandler {
  type: 'command';
  command: string;
  timeout: number;
}
export type ClaveHooks = Record<HookEvent, { hooks: HookHandler[] }[]>;

/**
 * The `hooks` value of the VM user's ~/.claude/settings.json: every event, no matcher (all tools,
 * all notification types). Carry-in merges the user's allowed settings around it.
 */
export function claveHooks(): ClaveHooks {
  const entries = HOOK_EVENTS.map((event) => [
    event,
    // Run by Claude through /bin/sh in the VM, where $HOME is the VM user's.
    [
      {
        hooks: [
          { type: 'command', command: `"$HOME"/${HOOK_SCRIPT} ${event}`, timeout: HOOK_TIMEOUT_S },
        ],
      },
    ],
  ]);
  return Object.fromEntries(entries) as ClaveHooks;
}

/**
 * The script. stdin is read up to the bound (the rest drained, so Claude never writes into a
 * closed pipe); line breaks are stripped (JSON has none inside strings, so the line stays valid);
 * the append happens under flock so parallel hooks never interleave their lines. Few processes
 * (head, date, flock): each costs milliseconds, and Claude waits for the hook.
 */
export function hookScript(): string {
  const limit = MAX_PAYLOAD_BYTES;
  return `#!/bin/sh
# Clave's status hook: appends {"ts":<ms>,"hook":"<Event>","data":<stdin JSON>} to the spool.
# Always exits 0 and prints nothing: its output would reach Claude's context.
umask 077
exec >/dev/null 2>&1
# Bytes, not characters: the bound is in bytes.
LC_ALL=C
export LC_ALL
case "$1" in ''|*[!A-Za-z]*) cat; exit 0 ;; esac
dir="$HOME/.clave"
[ -d "$dir" ] || mkdir -p "$dir" || { cat; exit 0; }
nl='
'
# One subshell for the time and the payload (each process costs milliseconds).
data=$(date +%s%3N; head -c ${limit + 1}; printf x)
ts=\${data%%"$nl"*}
data=\${data#*"$nl"}
data=\${data%x}
if [ \${#data} -gt ${limit} ]; then
  cat
  data='null,"truncated":true'
else
  # A line break would split the line (a CR is JSON whitespace: harmless).
  case "$data" in *"$nl"*) data=$(printf '%s' "$data" | tr -d '\\n') ;; esac
  [ -n "$data" ] || data=null
fi
{
  command -v flock >/dev/null && flock 9
  printf '{"ts":%s,"hook":"%s","data":%s}\\n' "$ts" "$1" "$data" >>"$dir/events.jsonl"
} 9>>"$dir/events.lock"
exit 0
`;
}
