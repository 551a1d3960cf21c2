// Connecting: validated options, retried until the deadline, failures named (auth, local network).
import type { z } from 'zod';
import { Client, type ConnectConfig } from 'ssh2';
import { isLocalNetworkRefusal, localNetworkProblem } from '../local-network';
import { retryUntilDeadline, type RetryResult } from '../retry';
import { SshConnection } from './connection';
import { isAborted } from './channels';
import { aborted, SshError } from './errors';
import { DEFAULT_PASSWORD, SshConnectOptionsSchema, type SshConnectOptions } from './types';

/** Open one connection to a VM, retrying until the deadline. */
export async function connectSsh(options: SshConnectOptions): Promise<SshConnection> {
  const parsed = SshConnectOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new SshError({
      code: 'ssh.invalid-input',
      what: 'Invalid ssh settings',
      why: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      fix: 'Check the VM login settings (user, password, key).',
    });
  }
  const o = parsed.data;
  // The Cirrus Labs Ubuntu images log in with admin/admin; a key alone means key auth only.
  if (o.password === undefined && o.privateKey === undefined) o.password = DEFAULT_PASSWORD;
  const target = `${o.username}@${o.host}:${o.port}`;
  const started = Date.now();
  let result: RetryResult<Client, Error>;
  try {
    result = await retryUntilDeadline<Client, Error>(
      (_n, remaining) =>
        attemptConnect(o, options, Math.max(1000, Math.min(o.attemptTimeoutMs, remaining))).then(
          (client) => ({ ok: true, value: client }),
          (error: unknown) => ({ ok: false, failure: error as Error }),
        ),
      {
        deadlineMs: o.deadlineMs,
        delayMs: () => o.retryDelayMs,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onAttemptFailed ? { onFailedAttempt: options.onAttemptFailed } : {}),
      },
    );
  } catch (error) {
    if (isAborted(options.signal)) throw aborted(target);
    throw error;
  }
  if (result.ok) return new SshConnection(result.value, target);
  if (isAborted(options.signal)) throw aborted(target);
  const { attempts: attempt, failure: lastError } = result;
  const seconds = Math.round((Date.now() - started) / 1000);
  if (isAuthFailure(lastError)) {
    throw new SshError({
      code: 'ssh.auth-failed',
      what: `Could not log in to the VM at ${o.host}`,
      why: `The VM rejected ${o.username}'s ${o.privateKey === undefined ? 'password' : 'key'} (${attempt} attempt(s) in ${seconds} s).`,
      fix: 'Check the VM user and password in Settings (the Cirrus Labs Ubuntu image uses admin/admin).',
      detail: lastError?.message,
    });
  }
  // Retried to the deadline all the same: the person may be answering macOS's prompt right now.
  if (isLocalNetworkRefusal(lastError)) {
    const code = (lastError as NodeJS.ErrnoException).code;
    throw new SshError({
      code: 'ssh.local-network-refused',
      ...localNetworkProblem(o.host, code),
      detail: `${attempt} attempt(s) in ${seconds} s; last error: ${lastError?.message ?? ''}`,
    });
  }
  throw new SshError({
    code: 'ssh.connect-timeout',
    what: `The VM at ${o.host} did not accept ssh connections`,
    why: `No ssh session after ${attempt} attempt(s) in ${seconds} s; last error: ${lastError?.message ?? 'none'}.`,
    fix: 'The VM may still be booting or sshd may have failed: wait and retry, or open the VM log. If it keeps happening, recreate the base VM.',
    detail: lastError?.message,
  });
}

export function attemptConnect(
  o: z.output<typeof SshConnectOptionsSchema>,
  options: SshConnectOptions,
  readyTimeout: number,
): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let settled = false;
    const finish = (error: Error | null) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      if (error === null) {
        // Keystrokes are tiny writes: Nagle would hold one back while the last is unacknowledged,
        // and the VM's delayed ACK makes that up to 40 ms (OpenSSH's client turns it off too).
        client.setNoDelay(true);
        resolve(client);
      } else {
        client.removeAllListeners('ready');
        client.on('error', () => {});
        client.end();
        client.destroy();
        reject(error);
      }
    };
    const onAbort = () => finish(new Error('aborted'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    client.once('ready', () => finish(null));
    client.once('error', (error) => finish(error));
    client.once('close', () => finish(new Error('connection closed before login completed')));
    client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finishKbd) => {
      finishKbd(prompts.map(() => o.password ?? ''));
    });
    const config: ConnectConfig = {
      host: o.host,
      port: o.port,
      username: o.username,
      readyTimeout,
      keepaliveInterval: o.keepaliveIntervalMs,
      keepaliveCountMax: o.keepaliveCountMax,
      tryKeyboard: o.password !== undefined,
      hostVerifier: options.hostVerifier ?? (() => true),
      ...(o.password === undefined ? {} : { password: o.password }),
      ...(o.privateKey === undefined ? {} : { privateKey: o.privateKey }),
      ...(o.passphrase === undefined ? {} : { passphrase: o.passphrase }),
    };
    try {
      client.connect(config);
    } catch (error) {
      finish(error as Error);
    }
  });
}

export function isAuthFailure(error: Error | undefined): boolean {
  if (error === undefined) return false;
  const level = (error as Error & { level?: string }).level;
  return level === 'client-authentication' || /authentication methods failed/i.test(error.message);
}
