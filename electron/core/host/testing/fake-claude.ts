import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A token shaped like the real ones (sk-ant-oat01- + ~95 characters). */
export const FAKE_TOKEN = `sk-ant-oat01-${'Q9x_Z-k2Lm'.repeat(9)}Ab12cDe`;

/**
 * Test helper: a fake host `claude` whose `setup-token` behaves like the real one as
 * contracts/claude-code.md §2 describes (needs a TTY, decorated TUI output, prints the token,
 * which may wrap). FAKE_CLAUDE_MODE picks a scenario.
 */
export function installFakeClaude(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'claude');
  writeFileSync(
    file,
    `#!/bin/bash
if [ "$1" != "setup-token" ]; then echo "unexpected arguments: $*" >&2; exit 64; fi
if ! [ -t 0 ] || ! [ -t 1 ]; then echo "Error: setup-token needs an interactive terminal" >&2; exit 3; fi
TOKEN='${FAKE_TOKEN}'
printf '\\e[1m✻ Welcome to Claude Code\\e[22m\\r\\n\\r\\n'
printf 'api-key-seen=%s cols=%s term=%s\\r\\n' "\${ANTHROPIC_API_KEY:-none}" "$(tput cols)" "$TERM"
printf 'Opening browser to sign in…\\r\\n'
case "\${FAKE_CLAUDE_MODE:-ok}" in
  ok)
    sleep 0.2
    printf '\\e[32m✓ Long-lived authentication token created successfully!\\e[39m\\r\\n\\r\\n'
    printf 'Your OAuth token (valid for 1 year):\\r\\n\\r\\n'
    printf '\\e[33m%s\\e[39m\\r\\n\\r\\n' "$TOKEN"
    printf "Store this token securely. You won't be able to see it again.\\r\\n\\r\\n"
    printf 'Use this token by setting: export CLAUDE_CODE_OAUTH_TOKEN=<token>\\r\\n'
    ;;
  wrapped)
    printf 'Your OAuth token (valid for 1 year):\\r\\n\\r\\n'
    printf '%s\\r\\n' "\${TOKEN:0:40}" "\${TOKEN:40:40}" "\${TOKEN:80}"
    printf '\\r\\nStore this token securely.\\r\\n'
    ;;
  interactive)
    printf 'Paste code here if prompted > '
    read -r code
    if [ "$code" != "CODE-123" ]; then printf '\\r\\nOAuth error: invalid code\\r\\n'; exit 1; fi
    printf '\\r\\nYour OAuth token (valid for 1 year):\\r\\n\\r\\n%s\\r\\n' "$TOKEN"
    ;;
  fail)
    printf '\\e[31mOAuth error: Request failed with status code 403\\e[39m\\r\\n'
    exit 1
    ;;
  notoken)
    printf 'Login cancelled.\\r\\n'
    exit 0
    ;;
  hang)
    sleep 600
    ;;
esac
`,
  );
  chmodSync(file, 0o755);
  return file;
}
