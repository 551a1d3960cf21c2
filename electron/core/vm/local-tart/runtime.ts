// The VM runtime on this Mac: Tart's CLI (host/tart/). Folders reach the guest as VirtioFS
// shares (`tart run --dir`) mounted over ssh; a VM port reaches this Mac through an ssh tunnel.
import { TartError, unsharablePath, type RunHandle, type Tart } from '../../host/tart';
import { command } from '../../host/shell-quote';
import { PROJECT_MOUNT_TAG } from '../guest';
import type { VmInstance, VmRuntime } from '../runtime';

export function localTartRuntime(tart: Tart): VmRuntime {
  return {
    kind: 'tart',
    sharesFolders: true,
    list: async () => (await tart.list()).map((v) => ({ name: v.name, running: v.running })),
    exists: (name) => tart.exists(name),
    pull: (ref, o = {}) =>
      tart.pull(ref, {
        ...(o.signal ? { signal: o.signal } : {}),
        ...(o.onOutput ? { onProgress: o.onOutput } : {}),
      }),
    clone: (source, name, o = {}) =>
      tart.clone(source, name, {
        ...(o.signal ? { signal: o.signal } : {}),
        ...(o.onOutput ? { onProgress: o.onOutput } : {}),
      }),
    configure: (name, c) =>
      tart.set(name, {
        cpu: c.cpus,
        memoryMb: c.memoryMb,
        randomMac: true,
        ...(c.diskGb === undefined ? {} : { diskSizeGb: c.diskGb }),
        ...(c.display === undefined || c.display === 'none' ? {} : { display: c.display }),
      }),
    rename: (from, to) => tart.rename(from, to),
    unsharable: unsharablePath,
    async start(name, { folders }) {
      const handle = await tart.run(name, {
        // The project's tag is Tart's default: leave it implicit, as the image's fstab expects.
        dirs: folders.map((f) => ({
          path: f.path,
          readOnly: f.readOnly,
          ...(f.tag === PROJECT_MOUNT_TAG ? {} : { tag: f.tag }),
        })),
        noGraphics: true,
      });
      return toVmInstance(handle);
    },
    async endpoint(name, guestPort, { waitSeconds, signal }) {
      const host = await tart.ip(name, { waitSeconds, ...(signal ? { signal } : {}) });
      return { host, port: guestPort };
    },
    attach: (shell, folder, signal) => {
      const dir = folder.guestPath;
      const mount = [
        command(['sudo', '-n', 'mkdir', '-p', dir]),
        `{ ${command(['mountpoint', '-q', dir])} || ${command(['sudo', '-n', 'mount', '-t', 'virtiofs', folder.tag, dir])}; }`,
      ].join(' && ');
      return shell.exec(mount, { timeoutMs: 30_000, ...(signal ? { signal } : {}) });
    },
    // A VirtioFS share is the session copy itself: the guest's changes are already here.
    collect: async () => {},
    forwardPort: (ssh, { server, guestPort }) => ssh.openTunnel({ server, remotePort: guestPort }),
    async stop(name, timeoutSeconds) {
      await ignoreMissing(tart.stop(name, timeoutSeconds === undefined ? {} : { timeoutSeconds }));
    },
    async delete(name) {
      await ignoreMissing(tart.delete(name));
    },
  };
}

/** A `tart run` child as the seam's VmInstance. */
export function toVmInstance(handle: RunHandle): VmInstance {
  return {
    name: handle.name,
    pid: handle.pid,
    logFile: handle.logPath,
    worker: null,
    exited: handle.exited.then(
      (exit) => ({ code: exit.code, error: exit.error }),
      () => ({ code: null, error: null }),
    ),
    stop: () => handle.stop(),
    // Tart turns SIGUSR2 into a shutdown request to the guest OS (contracts/tart.md §6).
    requestShutdown() {
      if (!handle.running) return false;
      try {
        process.kill(handle.pid, 'SIGUSR2');
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** Stop and delete are "make it gone": a VM that does not exist already is. */
async function ignoreMissing(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TartError && error.code === 'tart.vm-missing') return;
    throw error;
  }
}
