// The VM runtime on an Orchard cluster (contracts/orchard.md): a VM resource per session VM,
// scheduled by the controller onto a worker that runs Tart. There are no shares: the session copy
// travels by git (a CodeSync) over the ssh connection, which itself rides on a port-forward.
// "clone" and "configure" only record the spec here; "start" creates the resource.
//
// For sessions: the VM's sshd is at `endpoint()`'s host AND port (a 127.0.0.1 listener of this
// process), never at vmIp:ssh.port — every (re)connect asks `endpoint()` again, which also makes
// the listener anew in a restarted host. `forwardPort` finds the VM from the ssh connection's
// target, so the connection must be one made through `endpoint()`.
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Settings } from '../../config/settings';
import { SESSION_DIR } from '../../host/git/types';
import type { CodeSync } from '../code-sync';
import { PROJECT_DIR } from '../guest';
import type { GuestEndpoint, HostFolder, VmRuntime, VmSummary } from '../runtime';
import { OrchardClient, type OrchardClientOptions, type OrchardCredentials } from './client';
import { OrchardError } from './errors';
import { OrchardInstance } from './instance';
import { ForwardingServer } from './port-forward';
import type { VmSpec } from './schema';

export interface OrchardRuntimeOptions {
  /** Where each VM's status log is written. */
  logDir: string;
  /** Brings the session copy into the VM and its work back. */
  codeSync: CodeSync;
  client?: OrchardClientOptions;
  /** How often `endpoint` asks whether the VM runs yet. Default 1 s. */
  pollMs?: number;
}

/**
 * How long a worker that has taken a VM may take to start it: the first VM of an image on a
 * worker waits for the image's pull (tens of GB over the network), which no boot timeout covers.
 */
const WORKER_PREPARE_SECONDS = 30 * 60;

interface PendingVm {
  image: string;
  cpus: number;
  memoryMb: number;
}

/**
 * The runtime for a controller. `settings` are read at each clone/start (latest wins);
 * `credentials` may be a function, resolved at each call (it rejects with a HostError when Orchard
 * is not set up), so one runtime made at start-up follows `clave orchard connect`.
 */
export function orchardRuntime(
  settings: Settings | (() => Settings),
  credentials: OrchardCredentials | (() => Promise<OrchardCredentials>),
  options: OrchardRuntimeOptions,
): VmRuntime {
  const current = typeof settings === 'function' ? settings : () => settings;
  const connect = async () =>
    new OrchardClient(
      typeof credentials === 'function' ? await credentials() : credentials,
      options.client,
    );
  const pending = new Map<string, PendingVm>();
  const instances = new Map<string, OrchardInstance>();
  /** `name:port` → its local listener, made once. */
  const listeners = new Map<string, Promise<ForwardingServer>>();
  const pollMs = options.pollMs ?? 1000;

  async function closeListeners(name: string): Promise<void> {
    for (const [key, listener] of listeners) {
      if (!key.startsWith(`${name}:`)) continue;
      listeners.delete(key);
      await listener.then((l) => l.close()).catch(() => {});
    }
  }

  async function remove(name: string): Promise<void> {
    pending.delete(name);
    instances.get(name)?.markDeleting();
    await closeListeners(name);
    await (await connect()).deleteVm(name);
    instances.delete(name);
  }

  /**
   * Resolves once the VM runs; rejects when it cannot (failed, gone, not in time). `waitSeconds`
   * is for a worker to take it; a worker that has taken it gets WORKER_PREPARE_SECONDS more, since
   * the first VM of an image on a worker waits for the image's pull (gigabytes).
   */
  async function untilRunning(name: string, waitSeconds: number, signal?: AbortSignal) {
    const client = await connect();
    let deadline = Date.now() + waitSeconds * 1000;
    let takenBy: string | null = null;
    for (;;) {
      const vm = await client.getVm(name, signal);
      if (vm.status === 'running' && vm.worker) return vm;
      if (vm.worker && vm.worker !== takenBy) {
        takenBy = vm.worker;
        deadline = Math.max(deadline, Date.now() + WORKER_PREPARE_SECONDS * 1000);
      }
      if (vm.status === 'failed' || vm.status === 'stopped')
        throw new OrchardError({
          code: 'orchard.vm-terminal',
          what: `The Orchard VM ${name} cannot be reached`,
          why: `It is ${vm.status}${vm.status_message ? `: “${vm.status_message}”` : ''}.`,
          fix: 'Start the session again; the VM’s events (orchard logs vm) say why it ended.',
        });
      if (Date.now() >= deadline)
        throw new OrchardError({
          code: 'orchard.not-running',
          what: `The Orchard VM ${name} is not running yet`,
          why: vm.worker
            ? `It is still ${vm.status ?? 'pending'} on ${vm.worker}${vm.status_message ? ` (“${vm.status_message}”)` : ''} after ${WORKER_PREPARE_SECONDS / 60} min.`
            : `After ${waitSeconds} s no worker took it (the cluster is full, or no worker has the labels and resources it asks for).`,
          fix: 'The cluster may be busy or pulling the image: wait and try again, or check the workers (orchard list workers).',
        });
      await sleep(pollMs, undefined, signal ? { signal } : {});
    }
  }

  function listener(name: string, port: number, waitSeconds: number): Promise<ForwardingServer> {
    const key = `${name}:${port}`;
    let made = listeners.get(key);
    if (!made) {
      made = connect().then((client) =>
        ForwardingServer.listen(client, name, port, {
          waitSeconds: Math.max(10, waitSeconds),
          onTrouble: (error) =>
            instances.get(name)?.note(`port-forward to ${port}: ${error.message}`),
        }),
      );
      listeners.set(key, made);
      made.catch(() => listeners.delete(key));
    }
    return made;
  }

  /** The VM whose endpoint an ssh connection (`user@127.0.0.1:port`) was made through. */
  async function vmBehind(target: string | undefined): Promise<string> {
    const port = target ? Number(/:(\d+)$/.exec(target)?.[1]) : NaN;
    for (const [key, made] of listeners) {
      const l = await made.catch(() => null);
      if (l && l.localPort === port) return key.slice(0, key.lastIndexOf(':'));
    }
    throw new OrchardError({
      code: 'orchard.unsupported',
      what: 'Could not open the tunnel to the site',
      why: 'The ssh connection was not made through an Orchard endpoint of this runtime.',
      fix: 'This is a bug in Clave; report it.',
    });
  }

  return {
    kind: 'orchard',
    sharesFolders: false,
    async list(): Promise<VmSummary[]> {
      // Every VM the account sees, as `tart list` lists every local one: what is Clave's is
      // decided by the ledger alone (a label would be a scheduling constraint: see start).
      const remote = (await (await connect()).listVms()).map((vm) => ({
        name: vm.name,
        running: vm.status === 'running',
      }));
      const made = [...pending.keys()].map((name) => ({ name, running: false }));
      return [...remote, ...made];
    },
    async exists(name) {
      if (pending.has(name)) return true;
      try {
        await (await connect()).getVm(name);
        return true;
      } catch (error) {
        if (error instanceof OrchardError && error.code === 'orchard.not-found') return false;
        throw error;
      }
    },
    // Workers pull images themselves (imagePullPolicy IfNotPresent).
    pull: async () => {},
    async clone(source, name) {
      const s = current();
      pending.set(name, {
        image: s.backend.image ?? source,
        cpus: s.vm.cpus,
        memoryMb: s.vm.memoryMb,
      });
    },
    async configure(name, config) {
      const spec = pending.get(name);
      if (!spec) throw notCloned(name);
      pending.set(name, { ...spec, cpus: config.cpus, memoryMb: config.memoryMb });
    },
    rename: async (from) => {
      throw new OrchardError({
        code: 'orchard.unsupported',
        what: `Could not rename the VM ${from}`,
        why: 'Orchard VM resources cannot be renamed.',
        fix: 'Build the base VM with the local Tart backend, and push it to a registry the workers can pull.',
      });
    },
    unsharable: (p) =>
      path.dirname(p).endsWith(path.sep + SESSION_DIR)
        ? null
        : 'is not a session copy: Orchard VMs get no shared folders (only the session copy, by git)',
    async start(name, { folders }) {
      const spec = pending.get(name);
      if (!spec) throw notCloned(name);
      for (const f of folders) refuseShare(f);
      const s = current();
      const body: VmSpec = {
        name,
        os: 'linux',
        arch: 'arm64',
        image: spec.image,
        cpu: spec.cpus,
        memory: spec.memoryMb,
        headless: true,
        username: s.ssh.user,
        password: s.ssh.password,
        restart_policy: 'Never',
        // VM labels are the scheduler's hard selector (a worker must have them all), never tags.
        labels: { ...s.backend.labels },
        ...(s.backend.resources ? { resources: s.backend.resources } : {}),
      };
      const client = await connect();
      await client.createVm(body);
      pending.delete(name);
      const instance = new OrchardInstance(client, name, {
        logDir: options.logDir,
        remove: () => remove(name),
      });
      instances.set(name, instance);
      void instance.exited.then(() => closeListeners(name));
      return instance;
    },
    async endpoint(name, guestPort, { waitSeconds, signal }): Promise<GuestEndpoint> {
      await untilRunning(name, waitSeconds, signal);
      const l = await listener(name, guestPort, waitSeconds);
      return { host: l.localHost, port: l.localPort };
    },
    async attach(shell, folder, signal) {
      refuseShare(folder);
      return options.codeSync.push(shell, folder.path, folder.guestPath, signal);
    },
    async collect(shell, folder) {
      refuseShare(folder);
      await options.codeSync.collect(shell, folder.path, folder.guestPath);
    },
    async forwardPort(ssh, { server, guestPort }) {
      const name = await vmBehind(ssh.target);
      return new ForwardingServer(server, await connect(), name, guestPort, {
        waitSeconds: 10,
        onTrouble: (error) =>
          instances.get(name)?.note(`port-forward to ${guestPort}: ${error.message}`),
      });
    },
    // A VM resource has no "stopped but kept" state Clave uses: stopping is deleting.
    stop: (name) => remove(name),
    delete: (name) => remove(name),
  };
}

/** Only the project folder reaches an Orchard VM (by git, at PROJECT_DIR). */
function refuseShare(folder: HostFolder): void {
  if (folder.guestPath === PROJECT_DIR) return;
  throw new OrchardError({
    code: 'orchard.unsupported',
    what: `Could not give ${folder.path} to the VM`,
    why: 'Orchard VMs get no shared folders: only the session copy reaches them (by git).',
    fix: 'This folder is for VMs on this Mac; use the Tart backend for what needs it.',
  });
}

function notCloned(name: string): OrchardError {
  return new OrchardError({
    code: 'orchard.unsupported',
    what: `Could not start the Orchard VM ${name}`,
    why: 'It was never prepared (cloned) by this Clave process.',
    fix: 'This is a bug in Clave; report it.',
  });
}
