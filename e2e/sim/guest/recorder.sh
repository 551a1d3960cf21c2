#!/usr/bin/env bash
# A stand-in for a package manager, downloader or service tool inside a test guest. It records how
# it was called (and by whom) and answers like the real program wherever the provisioning script
# reads an answer. Installed as symlinks <dir>/bin/<program> → this file (on PATH) and
# <dir>/lib/<program> (programs that only exist once "installed": claude, composer). The Claude
# installer, `npm install -g` and the Composer installer put a small wrapper where the real ones
# put the program, pointing back at <dir>/lib. State lives in <dir>:
#   calls.log        one line per call: program US user US arg US arg … (US = \x1f)
#   stdin.log        what programs that read stdin (mysql) were given
#   fail/<program>   inject a failure: line 1 = exit code (or "hang": never return), optional
#                    line 2 = text the arguments must contain
#   version/<program> override the version a program reports (php: 8.4.1, node: v22.11.0)
set -euo pipefail
name=$(basename "$0")
dir=$(cd "$(dirname "$0")/.." && pwd)

{
  printf '%s\x1f%s' "$name" "$(id -un)"
  for arg in "$@"; do printf '\x1f%s' "$arg"; done
  printf '\n'
} >>"$dir/calls.log"

if [ -f "$dir/fail/$name" ]; then
  code=$(sed -n 1p "$dir/fail/$name")
  pattern=$(sed -n 2p "$dir/fail/$name")
  if [ -z "$pattern" ] || [[ " $* " == *"$pattern"* ]]; then
    if [ "$code" = hang ]; then
      echo "$name: hanging (injected)" >&2
      exec sleep 3600
    fi
    echo "$name: injected failure (exit $code)" >&2
    exit "$code"
  fi
fi

version() {
  if [ -f "$dir/version/$name" ]; then cat "$dir/version/$name"; else echo "$1"; fi
}

# install_wrapper <path> <program>: what an installer leaves behind.
install_wrapper() {
  mkdir -p "$(dirname "$1")"
  printf '#!/bin/sh\nexec %s "$@"\n' "$dir/lib/$2" >"$1"
  chmod 755 "$1"
}

# A downloaded file is a shell script: a comment, and for Claude's installer the install itself.
download_body() {
  printf '# recorded download of %s\n' "$1"
  if [ "$1" = https://claude.ai/install.sh ]; then
    cat <<INSTALLER
mkdir -p "\$HOME/.local/bin"
printf '%s\n' '#!/bin/sh' 'exec $dir/lib/claude "\$@"' >"\$HOME/.local/bin/claude"
chmod 755 "\$HOME/.local/bin/claude"
INSTALLER
  fi
}

case "$name" in
  curl)
    out='' url=''
    while [ $# -gt 0 ]; do
      case "$1" in
        -o | --output) out=$2 && shift 2 ;;
        -*) shift ;;
        *) url=$1 && shift ;;
      esac
    done
    if [ "$url" = https://composer.github.io/installer.sig ]; then
      # The published signature of the (recorded) installer, so the checksum check passes.
      download_body https://getcomposer.org/installer | sha384sum | cut -d' ' -f1
    elif [ -n "$out" ]; then
      download_body "$url" >"$out"
    else
      download_body "$url"
    fi
    ;;
  add-apt-repository)
    # Like the real one: leaves a source file behind, which a second run must notice.
    for arg in "$@"; do
      case "$arg" in
        ppa:*/*)
          owner=${arg#ppa:}
          printf 'deb https://ppa.launchpadcontent.net/%s/ubuntu noble main\n' "$owner" \
            >"/etc/apt/sources.list.d/recorded-${owner//\//-}.list"
          ;;
      esac
    done
    ;;
  php)
    if [ "${1:-}" = -v ]; then echo "PHP $(version 8.4.1) (cli) (recorded)"; fi
    install_dir='' filename=''
    for arg in "$@"; do
      case "$arg" in
        --install-dir=*) install_dir=${arg#*=} ;;
        --filename=*) filename=${arg#*=} ;;
      esac
    done
    if [ -n "$install_dir" ] && [ -n "$filename" ]; then
      install_wrapper "$install_dir/$filename" composer
    fi
    ;;
  php-fpm*) echo "NOTICE: configuration file test is successful (recorded)" ;;
  nginx) echo "nginx: configuration file test is successful (recorded)" ;;
  node) version v22.11.0 ;;
  npm)
    case "${1:-} ${2:-} ${3:-}" in
      --version*) echo "10.9.0" ;;
      "config set prefix") printf 'prefix=%s\n' "$4" >"$HOME/.npmrc" ;;
      "install -g @anthropic-ai/claude-code"*)
        prefix=$(sed -n 's/^prefix=//p' "$HOME/.npmrc" 2>/dev/null || true)
        install_wrapper "${prefix:-/usr/local}/bin/claude" claude
        ;;
    esac
    ;;
  composer) echo "Composer version 2.8.4 (recorded)" ;;
  claude) echo "2.0.0 (Claude Code, recorded)" ;;
  mysql)
    if [ "${1:-}" = --version ]; then
      echo "mysql Ver 8.0.40 (recorded)"
    else
      cat >>"$dir/stdin.log"
    fi
    ;;
  redis-server) echo "Redis server v=7.0.15 (recorded)" ;;
  *) ;;
esac
