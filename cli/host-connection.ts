// The CLI is a face of the session host: connect to the running one, or start `clave serve`
// in the background (its output in the data dir's logs) and connect when its socket answers.
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import {
  connectSocket,
  socketIsLive,
  type SocketConnection,
} from '../electron/core/api/socket-client';
import type { DataPaths } from '../electron/core/config/paths';

export async function connectToHost(
  paths: DataPaths,
  timeoutMs = 20_000,
): Promise<SocketConnection> {
  if (!(await socketIsLive(paths.socket))) startHostInBackground(paths);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await connectSocket(paths.socket, {
        lostFix: `The host's logs (${paths.logs}) say why it stopped. \`clave sessions\` starts a new host and shows what survived; then try again.`,
      });
    } catch (e) {
      if (Date.now() > deadline) {
        throw new Error(
          `The Clave host did not start within ${timeoutMs / 1000} s (${(e as Error).message}). See ${path.join(paths.logs, 'host.log')}`,
          { cause: e },
        );
      }
      await sleep(100);
    }
  }
}

function startHostInBackground(paths: DataPaths): void {
  mkdirSync(paths.logs, { recursive: true, mode: 0o700 });
  const log = openSync(path.join(paths.logs, 'host.log'), 'a', 0o600);
  const entry = process.argv[1]!;
  const child = spawn(process.execPath, [...process.execArgv, entry, 'serve'], {
    detached: true,
    stdio: ['ignore', log, log],
    env: process.env,
  });
  child.unref();
}
