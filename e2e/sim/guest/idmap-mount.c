// idmap-mount [--ro] <source> <target> <guest-uid> <guest-gid>
//
// Mounts <source> at <target> as an idmapped mount (Linux 5.12+): files owned by the source's
// owner appear owned by the guest user, and files the guest user creates are stored as owned by
// the source's owner. That is how VirtioFS behaves on a Mac (the host user owns what the guest
// writes), and it lets the guest's unprivileged `admin` edit a share that root created on the
// host, without changing a single permission bit on the host.
// All other ids map to themselves. Part of the simulated Tart host (e2e/sim).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int write_map(pid_t pid, const char *file, unsigned long owner, unsigned long guest) {
  char path[64], map[512];
  int n = 0;
  unsigned long lo = owner < guest ? owner : guest, hi = owner < guest ? guest : owner;
  // "<on-disk id> <id seen through the mount> <count>"
  if (lo > 0) n += snprintf(map + n, sizeof map - n, "0 0 %lu\n", lo);
  n += snprintf(map + n, sizeof map - n, "%lu %lu 1\n", owner, guest);
  if (hi - lo > 1) n += snprintf(map + n, sizeof map - n, "%lu %lu %lu\n", lo + 1, lo + 1, hi - lo - 1);
  n += snprintf(map + n, sizeof map - n, "%lu %lu 1\n", guest, owner);
  n += snprintf(map + n, sizeof map - n, "%lu %lu %lu\n", hi + 1, hi + 1, 4294967295UL - hi - 1);
  snprintf(path, sizeof path, "/proc/%d/%s", pid, file);
  int fd = open(path, O_WRONLY);
  if (fd < 0 || write(fd, map, n) != n) {
    fprintf(stderr, "idmap-mount: writing %s: %s\n", path, strerror(errno));
    return -1;
  }
  close(fd);
  return 0;
}

int main(int argc, char **argv) {
  int ro = 0, i = 1;
  if (argc > 1 && strcmp(argv[1], "--ro") == 0) ro = 1, i = 2;
  if (argc - i != 4) {
    fprintf(stderr, "usage: idmap-mount [--ro] <source> <target> <guest-uid> <guest-gid>\n");
    return 2;
  }
  const char *src = argv[i], *dst = argv[i + 1];
  unsigned long guid = strtoul(argv[i + 2], 0, 10), ggid = strtoul(argv[i + 3], 0, 10);
  struct stat st;
  if (stat(src, &st) != 0) {
    fprintf(stderr, "idmap-mount: %s: %s\n", src, strerror(errno));
    return 1;
  }
  int tree = syscall(SYS_open_tree, AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (tree < 0) {
    fprintf(stderr, "idmap-mount: open_tree %s: %s\n", src, strerror(errno));
    return 1;
  }
  struct mount_attr attr;
  memset(&attr, 0, sizeof attr);
  if (ro) attr.attr_set |= MOUNT_ATTR_RDONLY;
  pid_t child = -1;
  int sync_pipe[2] = {-1, -1};
  if (st.st_uid != guid || st.st_gid != ggid) {
    // A throw-away user namespace carries the mapping; the mount keeps a reference to it.
    if (pipe(sync_pipe) != 0) return 1;
    child = fork();
    if (child < 0) return 1;
    if (child == 0) {
      char c;
      close(sync_pipe[1]);
      if (unshare(CLONE_NEWUSER) != 0) _exit(1);
      // Wait until the parent is done with our namespace.
      if (read(sync_pipe[0], &c, 1) < 0) _exit(1);
      _exit(0);
    }
    close(sync_pipe[0]);
    char nspath[64];
    snprintf(nspath, sizeof nspath, "/proc/%d/ns/user", child);
    int ns = -1;
    for (int tries = 0; tries < 1000; tries++) {
      // The child has unshared once its user namespace differs from ours.
      struct stat a, b;
      if (stat(nspath, &a) == 0 && stat("/proc/self/ns/user", &b) == 0 && a.st_ino != b.st_ino) {
        ns = open(nspath, O_RDONLY | O_CLOEXEC);
        break;
      }
      usleep(1000);
    }
    if (ns < 0 || write_map(child, "uid_map", st.st_uid, guid) || write_map(child, "gid_map", st.st_gid, ggid)) {
      fprintf(stderr, "idmap-mount: cannot set up the id mapping\n");
      return 1;
    }
    attr.attr_set |= MOUNT_ATTR_IDMAP;
    attr.userns_fd = ns;
  }
  if (attr.attr_set && syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof attr) != 0) {
    if (!(attr.attr_set & MOUNT_ATTR_IDMAP)) {
      fprintf(stderr, "idmap-mount: mount_setattr %s: %s\n", src, strerror(errno));
      return 1;
    }
    // This file system cannot be idmapped: share it as it is (the guest user may then lack
    // write access to files the host's user owns).
    fprintf(stderr, "idmap-mount: warning: %s cannot be idmapped (%s); plain bind mount\n", src, strerror(errno));
    attr.attr_set &= ~MOUNT_ATTR_IDMAP;
    attr.userns_fd = 0;
    if (attr.attr_set && syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof attr) != 0) {
      fprintf(stderr, "idmap-mount: mount_setattr %s: %s\n", src, strerror(errno));
      return 1;
    }
  }
  if (syscall(SYS_move_mount, tree, "", AT_FDCWD, dst, MOVE_MOUNT_F_EMPTY_PATH) != 0) {
    fprintf(stderr, "idmap-mount: move_mount %s: %s\n", dst, strerror(errno));
    return 1;
  }
  if (child > 0) {
    if (write(sync_pipe[1], "x", 1) < 0) {
      // the child exits on EOF as well
    }
    close(sync_pipe[1]);
    waitpid(child, 0, 0);
  }
  return 0;
}
