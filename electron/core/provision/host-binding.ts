// The provision flow's ports bound to the real host adapters: Tart (host/tart.ts) for the VMs,
// ssh2 (host/ssh.ts) for the guest shell.
import path from 'node:path';
import { connectSsh } from '../host/ssh';
import { Tart, TartError } from '../host/tart';
import type { LedgerRepository } from '../store/ledger-repository';
import type { ProvisionDeps, RunningVm } from './ports';

export interface HostDepsOptions {
  /** An existing adapter (the app's, with the user's tart path); else one is made. */
  tart?: Tart;
  /** Folder for `tart run` logs when no adapter is given. */
  vmLogDir?: string;
  /** Environment for tart when no adapter is given (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /**
   * Where the temporary VM goes on record before it is cloned, so `clave cleanup` may remove it
   * if a crash leaves it. Only clones: the base and a base moved aside are never cleanup's.
   */
  ledger?: LedgerRepository;
}

export function hostDeps(options: HostDepsOptions = {}): ProvisionDeps {
  const tart =
    options.tart ??
    new Tart({
      logDir: options.vmLogDir ?? path.join(process.cwd(), 'logs', 'vms'),
      ...(options.env === undefined ? {} : { env: options.env }),
    });
  return {
    vms: {
      async list() {
        return (await tart.list()).map((v) => ({ name: v.name, running: v.running }));
      },
      pull: (ref, { onOutput }) => tart.pull(ref, { onProgress: onOutput }),
      async clone(source, target, { signal, onOutput }) {
        const entry = options.ledger?.intend({
          kind: 'vm',
          name: target,
          sessionId: null,
          detail: { source, pid: process.pid },
        });
        await tart.clone(source, target, { signal, onProgress: onOutput });
        if (entry) options.ledger?.created(entry.id);
      },
      configure: (name, config) =>
        tart.set(name, {
          cpu: config.cpus,
          memoryMb: config.memoryMb,
          randomMac: true,
          ...(config.diskGb === undefined ? {} : { diskSizeGb: config.diskGb }),
        }),
      async run(name, { shares }): Promise<RunningVm> {
        const handle = await tart.run(name, {
          dirs: shares.map((s) => ({ path: s.path, tag: s.tag, readOnly: s.readOnly })),
          noGraphics: true,
        });
        return {
          logFile: handle.logPath,
          exited: handle.exited.then(
            (exit) => ({
              code: exit.code,
              ...(exit.error === null ? {} : { why: `${exit.error.what}: ${exit.error.why}` }),
            }),
            () => ({ code: null }),
          ),
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
      },
      waitForIp: (name, seconds, signal) => tart.ip(name, { waitSeconds: seconds, signal }),
      async stop(name, seconds) {
        await ignoreMissing(tart.stop(name, { timeoutSeconds: seconds }));
      },
      async delete(name) {
        await ignoreMissing(tart.delete(name));
        options.ledger?.remove('vm', name);
      },
      async rename(from, to) {
        await tart.rename(from, to);
        // The temporary VM became the base: no longer anything cleanup may remove.
        options.ledger?.remove('vm', from);
      },
    },
    async connect(login) {
      const connection = await connectSsh({
        host: login.host,
        port: login.port,
        username: login.username,
        ...(login.password === undefined ? {} : { password: login.password }),
        ...(login.privateKey === undefined ? {} : { privateKey: login.privateKey }),
        deadlineMs: login.deadlineMs,
        signal: login.signal,
      });
      return {
        async exec(command, o) {
          const r = await connection.exec(command, {
            timeoutMs: o.timeoutMs,
            maxBufferBytes: 1024 * 1024,
            ...(o.signal === undefined ? {} : { signal: o.signal }),
            ...(o.onStdout === undefined ? {} : { onStdout: o.onStdout }),
            ...(o.onStderr === undefined ? {} : { onStderr: o.onStderr }),
          });
          return { code: r.code, stdout: r.stdout, stderr: r.stderr };
        },
        close: () => connection.close(),
      };
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
