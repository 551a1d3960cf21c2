// The provision flow's ports bound to the real host adapters: the local Tart runtime for the VMs,
// ssh2 (host/ssh/) for the guest shell.
import path from 'node:path';
import { connectSsh } from '../host/ssh';
import { Tart } from '../host/tart';
import { localTartRuntime } from '../vm/local-tart/runtime';
import type { ProvisionDeps } from './ports';
import type { LedgerRepository } from '../store/ledger-repository';
import { recordingRuntime } from '../vm/recording';

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
    vms: options.ledger
      ? recordingRuntime(localTartRuntime(tart), options.ledger, null, { pid: process.pid })
      : localTartRuntime(tart),
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
