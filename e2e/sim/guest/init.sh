#!/bin/bash
# PID 1 of a simulated VM. `tart run` starts it inside fresh network, mount, PID, UTS and IPC
# namespaces (unshare) and talks to it over stdin/stdout, one line per message:
#   guest -> host: READY | SERVICES | POWEROFF | ERROR <text>
#   host -> guest: boot <sshd-delay-ms> <sshd-mode: on|refuse|auth-fail>
#                  poweroff  (graceful: SIGTERM everything, then exit)
#                  halt      (power cut: SIGKILL everything, then exit)
# End of stdin means the `tart run` process is gone: the power is cut. When this process exits,
# the kernel kills every process of the guest and frees its namespaces, veth and mounts.
#
# The guest's root file system is an overlay: the host's root (read-only lower layer) under the
# VM's own layer ($DISK_DIR/upper, its "disk"). Everything the guest writes lands there.
set -uo pipefail
RUN_DIR=$1
# shellcheck source=/dev/null
source "$RUN_DIR/boot.env"

fail() {
  echo "ERROR $*"
  exit 1
}

ROOT=$RUN_DIR/root
LOWER=$RUN_DIR/lower
mkdir -p "$ROOT" "$LOWER" "$DISK_DIR/upper" || fail "cannot create $RUN_DIR"
mount --make-rprivate / || fail "cannot make mounts private"
mount --bind / "$LOWER" && mount -o remount,bind,ro "$LOWER" || fail "cannot bind the host root"
# overlayfs needs an empty work dir; one left by a power cut is scratch and goes.
rm -rf "$DISK_DIR/work" && mkdir -p "$DISK_DIR/work" || fail "cannot reset $DISK_DIR/work"
mount -t overlay tart-sim-root -o "lowerdir=$LOWER,upperdir=$DISK_DIR/upper,workdir=$DISK_DIR/work" "$ROOT" ||
  fail "cannot mount the guest root file system (overlayfs)"
mount -t proc proc "$ROOT/proc" || fail "cannot mount /proc"
mount -t sysfs sysfs "$ROOT/sys" 2>/dev/null || true
mount --rbind /dev "$ROOT/dev" || fail "cannot mount /dev"
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs "$ROOT/run" || fail "cannot mount /run"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$ROOT/tmp" || fail "cannot mount /tmp"
# The host's /root is not the guest root's home.
mount -t tmpfs -o mode=0700 tmpfs "$ROOT/root" || fail "cannot mount /root"
mkdir -p "$ROOT$GUEST_REPO_DIR" || fail "cannot create $GUEST_REPO_DIR"
mount --bind "$REPO_DIR" "$ROOT$GUEST_REPO_DIR" && mount -o remount,bind,ro "$ROOT$GUEST_REPO_DIR" ||
  fail "cannot mount the simulator's programs"

# VirtioFS devices: /run/tart-sim/virtiofs/<tag> is what `mount -t virtiofs <tag> <dir>` shows.
V=$ROOT/run/tart-sim/virtiofs
mkdir -p "$V"
while IFS=$'\t' read -r tag name ro path; do
  [ -n "$tag" ] || continue
  if [ "$name" = "-" ]; then
    dest=$V/$tag
  else
    mkdir -p "$V/$tag" && chmod 0755 "$V/$tag"
    dest=$V/$tag/$name
  fi
  mkdir -p "$dest"
  args=()
  [ "$ro" = 1 ] && args+=(--ro)
  "$IDMAP_BIN" "${args[@]}" "$path" "$dest" "$GUEST_UID" "$GUEST_GID" >&2 || fail "cannot share $path"
done <"$RUN_DIR/shares.list"
echo "$MOUNT_FAIL" >"$ROOT/run/tart-sim/mount-fail"
# The timing profile's guest delays (../profile.ts), and the log where stand-ins say what they took.
printf '%s\n' "${GUEST_TIMING:-}" >"$ROOT/run/tart-sim/timing.json"
install -m 0666 /dev/null "$ROOT/run/tart-sim/delays.log"
if [ -n "${PROGRAMS_DIR:-}" ]; then
  mkdir -p "$ROOT/run/tart-sim/programs"
  mount --bind "$PROGRAMS_DIR" "$ROOT/run/tart-sim/programs" &&
    mount -o remount,bind,ro "$ROOT/run/tart-sim/programs" || fail "cannot mount the guest programs"
fi
mkdir -p "$ROOT/run/sshd" "$ROOT/run/php" "$ROOT/run/tart-sim/oldroot"
chmod 0755 "$ROOT/run/sshd" "$ROOT/run/php"

cd "$ROOT" || fail "cannot enter the guest root"
pivot_root . run/tart-sim/oldroot || fail "pivot_root failed"
cd / || exit 1
umount -l /run/tart-sim/oldroot && rmdir /run/tart-sim/oldroot
hostname "$GUEST_HOSTNAME"
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8
mkdir -p /var/log/nginx

start_web() {
  # nginx (the web server stand-in) starts with the system, before the network is up.
  if [ -f /run/tart-sim/programs/web.mjs ]; then
    "$NODE" /run/tart-sim/programs/web.mjs </dev/null >>/var/log/nginx/error.log 2>&1 &
  else
    "$NODE" --import "file://$GUEST_REPO_DIR/node_modules/tsx/dist/esm/index.mjs" \
      "$GUEST_REPO_DIR/e2e/sim/guest/web.ts" </dev/null >>/var/log/nginx/error.log 2>&1 &
  fi
  echo $! >/run/nginx.pid
}

web_listening() {
  awk '$2 ~ /:0050$/ && $4 == "0A" { found = 1 } END { exit !found }' /proc/net/tcp
}

start_services() {
  local sshd_delay_ms=$1 sshd_mode=$2
  case $sshd_mode in
  refuse) ;;
  *)
    local extra=()
    [ "$sshd_mode" = auth-fail ] && extra=(-o PasswordAuthentication=no)
    (
      sleep "$(awk "BEGIN{print $sshd_delay_ms/1000}")"
      # Services that start with the system are up before anyone can log in.
      for _ in $(seq 100); do
        web_listening && break
        sleep 0.05
      done
      exec /usr/sbin/sshd -D -e -f /etc/ssh/sshd_config "${extra[@]}"
    ) </dev/null >>/var/log/sshd.log 2>&1 &
    ;;
  esac
  echo SERVICES
}

stop_everything() {
  local graceful=$1
  if [ "$graceful" = 1 ]; then
    kill -TERM -1 2>/dev/null
    for _ in $(seq 40); do
      kill -0 -1 2>/dev/null || break
      sleep 0.05
    done
  fi
  kill -KILL -1 2>/dev/null
}

start_web

POWEROFF=
# `poweroff` in the guest sends SIGTERM to PID 1; bash runs the trap between reads, so poll.
trap 'POWEROFF=1' TERM
trap '' INT HUP
echo READY
pending=''
while :; do
  if IFS= read -r -t 0.2 chunk; then
    line=$pending$chunk
    pending=''
    read -r cmd a1 a2 <<<"$line"
    case $cmd in
    boot) start_services "$a1" "$a2" ;;
    poweroff) POWEROFF=1 ;;
    halt)
      stop_everything 0
      exit 0
      ;;
    esac
  else
    rc=$?
    if [ "$rc" -le 128 ]; then
      # End of input: the host process is gone.
      stop_everything 0
      exit 0
    fi
    # A timeout keeps what was read of an unfinished line.
    pending=$pending$chunk
  fi
  [ -n "$POWEROFF" ] && break
done
stop_everything 1
echo POWEROFF
exit 0
