// The commands git-sync runs in the VM. Each is a fixed POSIX sh script run as `sh -c SCRIPT name
// ARG…`: every value reaches it as a quoted positional argument, never pasted into the script.
// The state commit is made exactly as on this Mac (host/git/copy-sync.ts: STATE_*), so the same
// work is the same commit on both sides.
import {
  GUEST_INCOMING_REF,
  GUEST_STATE_REF,
  OUTGOING_REF,
  STATE_IDENTITY_ENV,
  STATE_MESSAGE,
} from '../../host/git';
import { command, withEnv } from '../../host/shell-quote';

/** The first line of what `collect` prints, before the bundle's bytes. */
export const COLLECT_HEADER = 'clave-sync';

function sh(name: string, script: string, args: readonly string[]): string {
  return command(['sh', '-c', script, name, ...args]);
}

// Git never waits for a person or takes optional locks the agent's git might want.
const QUIET_GIT = { GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' };

// The checkout's state commit, made as on the Mac (needs $tmp, and the identity and message in
// the environment: stateEnv).
const STATE_FN = `
state_commit() {
  rm -f "$tmp/index"
  cp "$(git rev-parse --git-path index)" "$tmp/index" 2>/dev/null || :
  GIT_INDEX_FILE="$tmp/index" git add -A &&
    sc_tree=$(GIT_INDEX_FILE="$tmp/index" git write-tree) &&
    sc_head=$(git rev-parse --verify "HEAD^{commit}") &&
    sc_date=$(git show -s --format=%cd --date=raw "$sc_head") &&
    GIT_AUTHOR_DATE="$sc_date" GIT_COMMITTER_DATE="$sc_date" \\
      git commit-tree --no-gpg-sign -p "$sc_head" -m "$CLAVE_STATE_MESSAGE" "$sc_tree"
}
`;

const stateEnv = { ...QUIET_GIT, ...STATE_IDENTITY_ENV, CLAVE_STATE_MESSAGE: STATE_MESSAGE };

const PROBE = `
cd "$1" 2>/dev/null && [ -e .git ] || exit 0
shift
git rev-parse -q --verify "HEAD^{commit}" 2>/dev/null || :
for c in "$@"; do git cat-file -e "$c^{commit}" 2>/dev/null && printf '%s\\n' "$c"; done
exit 0
`;

/** Prints the commits the checkout at `dir` has: its HEAD, and which of `commits`. */
export function probeCommand(dir: string, commits: readonly string[]): string {
  return sh('clave-sync-probe', PROBE, [dir, ...commits]);
}

const PUSH = `
set -eu
dir=$1 head=$2 state=$3 synced=$4 branch=$5 incoming=$6 tmpref=$7
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/bundle"
# The image makes the folder the user's; anything else (missing, root's) is made so, with sudo.
if [ ! -d "$dir" ] || [ ! -w "$dir" ]; then
  sudo -n install -d -m 755 -o "$(id -u)" -g "$(id -g)" "$dir"
fi
cd "$dir"
if [ -e .git ] && git rev-parse -q --verify "HEAD^{commit}" >/dev/null; then
  # Work done here since the last sync is never overwritten: it is collected first.
  current=$(state_commit)
  if [ "$current" = "$state" ]; then exit 0; fi
  # (HEAD detached at the state itself: this push, cut short after its checkout.)
  if [ "$current" != "$synced" ] && [ "$(git rev-parse HEAD)" != "$state" ]; then
    echo "$dir in the VM has work that was not brought back to this Mac yet; collect it first" >&2
    exit 4
  fi
fi
[ -e .git ] || git init -q
if [ -s "$tmp/bundle" ]; then
  git fetch -q --no-tags "$tmp/bundle" "+$incoming:$tmpref"
  git update-ref -d "$tmpref"
fi
if ! git cat-file -e "$state^{commit}" 2>/dev/null; then
  echo "the bundle did not carry the session's state $state" >&2
  exit 1
fi
# Working tree = the state (files it lacks go, ignored files stay); index = HEAD.
git checkout -q -f --detach "$state"
git clean -q -f -d
if [ -n "$branch" ]; then
  git update-ref -m "clave: pushed from the Mac" "refs/heads/$branch" "$head"
  git symbolic-ref HEAD "refs/heads/$branch"
else
  git update-ref --no-deref HEAD "$head"
fi
git reset -q
`;

/**
 * Makes `dir` a checkout of `state` (read from a bundle on stdin, or already there when stdin is
 * empty): HEAD = `branch` (detached when null) at `head`, working tree = the state's tree.
 * Refuses (exit 4) when the checkout there holds work that is neither `state` nor `synced`.
 */
export function pushCommand(input: {
  dir: string;
  head: string;
  state: string;
  synced: string | null;
  branch: string | null;
}): string {
  return withEnv(stateEnv, [
    'sh',
    '-c',
    STATE_FN + PUSH,
    'clave-sync-push',
    input.dir,
    input.head,
    input.state,
    input.synced ?? '',
    input.branch ?? '',
    OUTGOING_REF,
    GUEST_INCOMING_REF,
  ]);
}

const CARRY = `
set -eu
cd "$1"
shift
# Carried files stay out of git in the VM too: never committed, never brought back.
exclude=$(git rev-parse --git-path info/exclude)
mkdir -p "$(dirname "$exclude")"
touch "$exclude"
for p in "$@"; do grep -qxF -- "$p" "$exclude" || printf '%s\\n' "$p" >>"$exclude"; done
tar -x -f - --no-same-owner --no-xattrs --warning=no-unknown-keyword
`;

/** Unpacks a tar of the carried files (stdin) into `dir`, excluded from git by `patterns`. */
export function carryCommand(dir: string, patterns: readonly string[]): string {
  return sh('clave-sync-carry', CARRY, [dir, ...patterns]);
}

const COLLECT = `
set -eu
dir=$1 since=$2 stateref=$3 header=$4
if [ ! -e "$dir/.git" ]; then
  echo "$dir is not a git checkout: the session copy was never pushed into this VM" >&2
  exit 3
fi
cd "$dir"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The agent's own index is never written: the state is built in a copy of it.
state=$(state_commit)
if [ "$state" = "$since" ]; then
  printf '%s %s 0\\n' "$header" "$state"
  exit 0
fi
git update-ref "$stateref" "$state"
if git cat-file -e "$since^{commit}" 2>/dev/null; then
  git bundle create "$tmp/bundle" "$stateref" --not "$since"
else
  git bundle create "$tmp/bundle" "$stateref"
fi
printf '%s %s %s\\n' "$header" "$state" "$(($(wc -c <"$tmp/bundle")))"
cat "$tmp/bundle"
`;

/**
 * Prints `clave-sync <state> <bytes>` and then a bundle of the checkout's state commit (its
 * commits and uncommitted work) without what `since` has; 0 bytes when the state is `since`.
 */
export function collectCommand(dir: string, since: string): string {
  return withEnv(stateEnv, [
    'sh',
    '-c',
    STATE_FN + COLLECT,
    'clave-sync-collect',
    dir,
    since,
    GUEST_STATE_REF,
    COLLECT_HEADER,
  ]);
}
