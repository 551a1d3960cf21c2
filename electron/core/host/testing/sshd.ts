import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  closeSync,
  chmodSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * Test fixture: a throwaway real OpenSSH server (toolchain.md recommendation 8). Its own config,
 * host key, pid file and log in a temp dir; a random 127.x.y.z address; a temporary test user
 * with a password and a home in the temp dir. `stop()` kills sshd (and its session children) by
 * pid, deletes the user and removes the temp dir.
 */

export interface SshdOptions {
  /** Serve the sftp subsystem (default true). */
  sftp?: boolean;
  /** Bind this address and port instead of picking them (e.g. to start sshd later). */
  address?: string;
  port?: number;
  logLevel?: 'VERBOSE' | 'DEBUG1' | 'DEBUG3';
}

export interface Sshd {
  readonly address: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly home: string;
  readonly dir: string;
  readonly pid: number;
  /** The sshd log so far. */
  log(): string;
  /** Child processes of sshd (one per connection and session), by pid. */
  children(): number[];
  /** Install a public key for the test user. */
  authorize(publicKey: string): void;
  stop(): Promise<void>;
}

export function sshdAvailable(): boolean {
  try {
    execFileSync('/usr/sbin/sshd', ['-V'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // `sshd -V` prints the version and exits non-zero on older OpenSSH; a spawn failure is ENOENT.
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

export function randomLoopback(): string {
  const b = randomBytes(3);
  return `127.${((b[0] ?? 0) % 200) + 20}.${b[1] ?? 1}.${((b[2] ?? 0) % 250) + 2}`;
}

/** A port that was free a moment ago on `address` (fine for a unique random loopback address). */
export async function freePort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host: address, port: 0 }, () => {
      const a = server.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface PreparedSshd extends Omit<Sshd, 'pid' | 'children'> {
  /** Start sshd and wait until it listens. */
  start(): Promise<Sshd>;
}

export async function startSshd(options: SshdOptions = {}): Promise<Sshd> {
  const prepared = await prepareSshd(options);
  return prepared.start();
}

/** Create the user, keys and config, but do not start sshd yet. */
export async function prepareSshd(options: SshdOptions = {}): Promise<PreparedSshd> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clave-sshd-'));
  chmodSync(dir, 0o755);
  const address = options.address ?? randomLoopback();
  const port = options.port ?? (await freePort(address));
  const user = `clvt${randomBytes(3).toString('hex')}`;
  const password = `pw-${randomBytes(6).toString('hex')}`;
  const home = path.join(dir, 'home');
  const keysDir = path.join(dir, 'authorized_keys');
  const logFile = path.join(dir, 'sshd.log');
  const configFile = path.join(dir, 'sshd_config');
  let child: ChildProcess | undefined;
  const stopAll = () => stop(child, child?.pid ?? 0, user, dir);
  try {
    mkdirSync(keysDir);
    mkdirSync('/run/sshd', { recursive: true });
    execFileSync('ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-N',
      '',
      '-f',
      path.join(dir, 'host_ed25519'),
    ]);
    execFileSync('useradd', ['-M', '-d', home, '-s', '/bin/bash', user]);
    mkdirSync(home);
    execFileSync('chown', [`${user}:`, home]);
    execFileSync('chpasswd', [], { input: `${user}:${password}\n` });
    const config = [
      `Port ${port}`,
      `ListenAddress ${address}`,
      `HostKey ${path.join(dir, 'host_ed25519')}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      'UsePAM no',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      `AuthorizedKeysFile ${keysDir}/%u`,
      `AllowUsers ${user}`,
      'AllowTcpForwarding yes',
      'StrictModes no',
      'AcceptEnv LANG LC_* CLAVE_TEST_*',
      `LogLevel ${options.logLevel ?? 'VERBOSE'}`,
      'MaxStartups 50',
      ...(options.sftp === false ? [] : ['Subsystem sftp internal-sftp']),
    ].join('\n');
    writeFileSync(configFile, `${config}\n`);
    execFileSync('/usr/sbin/sshd', ['-t', '-f', configFile]);
  } catch (error) {
    await stopAll();
    throw error;
  }
  const base = {
    address,
    port,
    user,
    password,
    home,
    dir,
    log: () => {
      try {
        return readFileSync(logFile, 'utf8');
      } catch {
        return '';
      }
    },
    authorize: (publicKey: string) =>
      writeFileSync(path.join(keysDir, user), `${publicKey.trim()}\n`),
    stop: stopAll,
  };
  return {
    ...base,
    start: async () => {
      try {
        const logFd = openSync(logFile, 'a');
        child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', configFile], {
          stdio: ['ignore', logFd, logFd],
        });
        closeSync(logFd);
        const pid = child.pid ?? 0;
        await waitForListening(address, port, child, logFile);
        return { ...base, pid, children: () => childrenOf(pid) };
      } catch (error) {
        await stopAll();
        throw error;
      }
    },
  };
}

/** Every descendant pid of `pid` (sshd forks a monitor and a user process per connection). */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift() ?? 0;
    let text: string;
    try {
      text = execFileSync('ps', ['-o', 'pid=', '--ppid', String(parent)], { encoding: 'utf8' });
    } catch {
      text = ''; // ps exits 1 when there are no children
    }
    for (const token of text.split(/\s+/)) {
      const child = Number(token);
      if (Number.isInteger(child) && child > 0) {
        out.push(child);
        queue.push(child);
      }
    }
  }
  return out;
}

async function stop(child: ChildProcess | undefined, pid: number, user: string, dir: string) {
  if (pid > 0) {
    for (const c of childrenOf(pid).reverse()) {
      try {
        process.kill(c, 'SIGCONT');
        process.kill(c, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(3000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }
  // userdel refuses while a killed process of the user is still being reaped; retry briefly.
  for (let i = 0; i < 40; i++) {
    try {
      execFileSync('userdel', [user], { stdio: 'pipe' });
      break;
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr ?? '');
      if (/does not exist/.test(stderr)) break;
      await sleep(100);
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

async function waitForListening(
  address: string,
  port: number,
  child: ChildProcess,
  logFile: string,
) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`sshd exited with ${child.exitCode}: ${readFileSync(logFile, 'utf8')}`);
    }
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: address, port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`sshd did not listen on ${address}:${port}: ${readFileSync(logFile, 'utf8')}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
