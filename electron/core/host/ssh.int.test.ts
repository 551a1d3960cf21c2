import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { connectSsh, SshError, type SshConnection } from './ssh';
import { PortAllocator } from './ports';
import { quote, command } from './shell-quote';
import { HOSTILE_STRINGS } from './testing/hostile-strings';
import { freePort, prepareSshd, randomLoopback, startSshd, type Sshd } from './testing/sshd';
import { TempDirs } from './testing/temp-repo';

let sshd: Sshd;
let conn: SshConnection;
const temp = new TempDirs();
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  sshd = await startSshd();
  conn = await connectSsh({
    host: sshd.address,
    port: sshd.port,
    username: sshd.user,
    password: sshd.password,
    deadlineMs: 10_000,
  });
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await conn?.close();
  await sshd?.stop();
  temp.cleanup();
});

function login(s: Pick<Sshd, 'address' | 'port' | 'user' | 'password'>) {
  return { host: s.address, port: s.port, username: s.user, password: s.password };
}

async function expectSshError(promise: Promise<unknown>, code: string): Promise<SshError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected ${code}, but it succeeded`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SshError);
  expect((error as SshError).code).toBe(code);
  return error as SshError;
}

function acceptedLogins(s: Sshd): number {
  return s
    .log()
    .split('\n')
    .filter((l) => /Accepted (password|publickey) for/.test(l)).length;
}

describe('connect', () => {
  it('retries until sshd comes up (the IP appears before sshd)', async () => {
    const prepared = await prepareSshd();
    cleanups.push(() => prepared.stop());
    const attempts: number[] = [];
    const pending = connectSsh({
      ...login(prepared),
      deadlineMs: 30_000,
      retryDelayMs: 200,
      onAttemptFailed: (n) => attempts.push(n),
    });
    await new Promise((r) => setTimeout(r, 800));
    await prepared.start();
    const c = await pending;
    expect(attempts.length).toBeGreaterThan(1);
    expect((await c.exec('echo up')).stdout).toBe('up\n');
    await c.close();
  });

  it('fails with connect-timeout when nothing listens before the deadline', async () => {
    const address = randomLoopback();
    const started = Date.now();
    const error = await expectSshError(
      connectSsh({
        host: address,
        port: await freePort(address),
        password: 'x',
        deadlineMs: 1500,
        retryDelayMs: 200,
      }),
      'ssh.connect-timeout',
    );
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error.why).toMatch(/ECONNREFUSED/);
    expect(error.fix.length).toBeGreaterThan(0);
  });

  it('fails with auth-failed for a wrong password', async () => {
    await expectSshError(
      connectSsh({ ...login(sshd), password: 'wrong', deadlineMs: 1500, retryDelayMs: 200 }),
      'ssh.auth-failed',
    );
  });

  it('logs in with a key and no password', async () => {
    const dir = temp.make();
    const keyFile = path.join(dir, 'id_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyFile]);
    sshd.authorize(readFileSync(`${keyFile}.pub`, 'utf8'));
    const c = await connectSsh({
      host: sshd.address,
      port: sshd.port,
      username: sshd.user,
      privateKey: readFileSync(keyFile),
      deadlineMs: 5000,
    });
    expect((await c.exec('whoami')).stdout.trim()).toBe(sshd.user);
    await c.close();
    expect(sshd.log()).toMatch(/Accepted publickey for/);
  });

  it('rejects invalid settings', async () => {
    await expectSshError(connectSsh({ host: '' }), 'ssh.invalid-input');
    await expectSshError(connectSsh({ host: '127.0.0.1', port: 70000 }), 'ssh.invalid-input');
  });
});

describe('exec', () => {
  it('returns output and exit codes, streams output, feeds stdin', async () => {
    const ok = await conn.exec('echo out; echo err >&2');
    expect(ok).toMatchObject({ code: 0, signal: null, stdout: 'out\n', stderr: 'err\n' });
    expect((await conn.exec('exit 7')).code).toBe(7);

    const chunks: string[] = [];
    const streamed = await conn.exec('for i in 1 2 3; do echo line$i; sleep 0.1; done', {
      onStdout: (c) => chunks.push(c.toString()),
    });
    expect(streamed.stdout).toBe('line1\nline2\nline3\n');
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    expect(chunks.join('')).toBe(streamed.stdout);

    const echoed = await conn.exec('tr a-z A-Z', { stdin: 'from stdin\n' });
    expect(echoed.stdout).toBe('FROM STDIN\n');
  });

  it('passes env the server accepts', async () => {
    const r = await conn.exec('echo "$CLAVE_TEST_VALUE"', { env: { CLAVE_TEST_VALUE: 'a b $c' } });
    expect(r.stdout).toBe('a b $c\n');
  });

  it('times out, kills the command, and keeps the connection usable', async () => {
    const started = Date.now();
    const error = await expectSshError(
      conn.exec('echo partial; sleep 30', { timeoutMs: 700 }),
      'ssh.exec-timeout',
    );
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error.detail).toContain('partial');
    expect((await conn.exec('echo still-here')).stdout).toBe('still-here\n');
    // The command really died (killpg through an ssh signal request), it was not just abandoned.
    const lingering = () =>
      execFileSync('ps', ['-u', sshd.user, '-o', 'args='], { encoding: 'utf8' }).includes(
        'sleep 30',
      );
    const deadline = Date.now() + 3000;
    while (lingering() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(lingering()).toBe(false);
  });

  it('run() turns a non-zero exit into command-failed with the output', async () => {
    const error = await expectSshError(
      conn.run('echo "bad thing" >&2; exit 3', 'Could not do the thing'),
      'ssh.command-failed',
    );
    expect(error.what).toBe('Could not do the thing');
    expect(error.why).toBe('bad thing');
  });

  it('runs many channels at once over one connection', async () => {
    const before = acceptedLogins(sshd);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => conn.exec(`sleep 0.2; echo ${i}`)),
    );
    expect(results.map((r) => r.stdout.trim())).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    expect(acceptedLogins(sshd)).toBe(before);
  });

  it('survives a table of hostile strings through the guest shell unchanged', async () => {
    for (const value of HOSTILE_STRINGS) {
      const r = await conn.exec(`printf '%s' ${quote(value)}`);
      expect(r.stdout, JSON.stringify(value)).toBe(value);
    }
    const argv = await conn.exec(`${command(['printf', '[%s]', ...HOSTILE_STRINGS])}`);
    expect(argv.stdout).toBe(HOSTILE_STRINGS.map((s) => `[${s}]`).join(''));
  });
});

describe('PTY', () => {
  it('opens a terminal with the term type and size, and resizes it', async () => {
    const pty = await conn.openPty({ term: 'xterm-256color', cols: 100, rows: 30 });
    let output = '';
    pty.onData((c) => {
      output += c.toString();
    });
    const waitFor = async (pattern: RegExp) => {
      const deadline = Date.now() + 10_000;
      while (!pattern.test(output)) {
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${pattern}; got ${output}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    pty.write('echo "T=$TERM"; stty size\n');
    await waitFor(/T=xterm-256color\r?\n30 100/);
    pty.resize(132, 40);
    pty.write('stty size\n');
    await waitFor(/40 132/);
    pty.write('exit 5\n');
    expect(await pty.exited).toEqual({ code: 5, signal: null });
  });

  it('runs a command in a PTY', async () => {
    const pty = await conn.openPty({ command: 'tty; echo done', cols: 80, rows: 24 });
    let output = '';
    pty.onData((c) => {
      output += c.toString();
    });
    expect((await pty.exited).code).toBe(0);
    expect(output).toMatch(/\/dev\/pts\/\d+/);
  });
});

describe('writeFile', () => {
  const secret = "sk-ant-oat01-SECRET\nline two with $(rm -rf /) and `x` and 'q'\n";

  it('writes through sftp with mode 0600', async () => {
    const target = path.join(sshd.home, 'creds.env');
    await conn.writeFile(target, secret);
    expect((await conn.exec(`stat -c %a ${quote(target)}`)).stdout.trim()).toBe('600');
    expect((await conn.exec(`cat ${quote(target)}`)).stdout).toBe(secret);
    // Overwriting an existing, looser file tightens it.
    await conn.exec(`chmod 644 ${quote(target)}`);
    await conn.writeFile(target, 'short');
    expect((await conn.exec(`stat -c %a ${quote(target)}; cat ${quote(target)}`)).stdout).toBe(
      '600\nshort',
    );
    await conn.writeFile('~/home-relative.json', '{"a":1}', { mode: 0o640 });
    expect(
      (await conn.exec('stat -c %a ~/home-relative.json; cat ~/home-relative.json')).stdout,
    ).toBe('640\n{"a":1}');
  });

  it('writes through stdin when asked, or when the server has no sftp', async () => {
    await conn.writeFile('~/via stdin.txt', secret, { via: 'stdin' });
    expect((await conn.exec("stat -c %a ~/'via stdin.txt'; cat ~/'via stdin.txt'")).stdout).toBe(
      `600\n${secret}`,
    );
    const plain = await startSshd({ sftp: false });
    cleanups.push(() => plain.stop());
    const c = await connectSsh({ ...login(plain), deadlineMs: 5000 });
    await c.writeFile(path.join(plain.home, 'x.env'), secret);
    expect((await c.exec(`stat -c %a ~/x.env; cat ~/x.env`)).stdout).toBe(`600\n${secret}`);
    await expectSshError(c.writeFile('/tmp/never', 'x', { via: 'sftp' }), 'ssh.sftp-failed');
    await c.close();
    // The secret never appeared in a command sshd saw.
    expect(plain.log()).not.toContain('SECRET');
  });

  it('reports a path it cannot write', async () => {
    await expectSshError(conn.writeFile('/root/forbidden', 'x'), 'ssh.sftp-failed');
    await expectSshError(conn.writeFile('relative/path', 'x'), 'ssh.invalid-input');
  });
});

describe('listDir and readFile', () => {
  it('lists a folder as lstat sees it, reads files whole, and refuses one over the bound', async () => {
    await conn.run(
      'rm -rf ~/listed && mkdir -p ~/listed/sub && printf 0123456789 > ~/listed/ten && ln -s ~/listed/ten ~/listed/link',
      'prepare',
    );
    const entries = await conn.listDir('~/listed');
    expect(entries?.map((e) => [e.name, e.kind]).sort()).toEqual([
      ['link', 'other'],
      ['sub', 'dir'],
      ['ten', 'file'],
    ]);
    expect(entries?.find((e) => e.name === 'ten')).toMatchObject({ size: 10 });
    expect(await conn.listDir('~/no-such-folder')).toBeNull();
    expect((await conn.readFile('~/listed/ten', 10)).toString()).toBe('0123456789');
    // Bigger than one sftp read: the whole file comes back in order.
    await conn.run('head -c 200000 /dev/urandom > ~/listed/big', 'prepare');
    const big = await conn.readFile(path.join(sshd.home, 'listed/big'), 200_000);
    expect(big.length).toBe(200_000);
    expect(big.equals(readFileSync(path.join(sshd.home, 'listed/big')))).toBe(true);
    const over = await expectSshError(conn.readFile('~/listed/big', 100_000), 'ssh.sftp-failed');
    expect(over.why).toMatch(/is over 100000 bytes/);
    await expectSshError(conn.readFile('~/listed/missing', 10), 'ssh.sftp-failed');
  });
});

describe('tunnel', () => {
  it('forwards 127.0.0.1:<port> to the guest port, many requests, and closes cleanly', async () => {
    const web = http.createServer((req, res) => {
      res.end(`hello from the vm ${req.url ?? ''}`);
    });
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => web.close(() => r())));
    const webPort = (web.address() as net.AddressInfo).port;

    const ports = new PortAllocator({ range: { from: 8081, to: 8199 } });
    const lease = await ports.allocate();
    const tunnel = await conn.openTunnel({ server: lease.server, remotePort: webPort });
    expect(tunnel.localPort).toBe(lease.port);
    expect(tunnel.url).toBe(`http://127.0.0.1:${lease.port}`);

    const bodies = await Promise.all(
      Array.from({ length: 12 }, (_, i) => fetch(`${tunnel.url}/r${i}`).then((r) => r.text())),
    );
    expect(bodies).toEqual(Array.from({ length: 12 }, (_, i) => `hello from the vm /r${i}`));

    // A held-open connection is dropped on close, and the port is free again.
    const idle = net.connect(lease.port, '127.0.0.1');
    await new Promise((r) => idle.once('connect', r));
    const idleClosed = new Promise((r) => idle.once('close', r));
    await tunnel.close();
    await idleClosed;
    expect(ports.heldPorts()).not.toContain(lease.port);
    const rebind = net.createServer();
    await new Promise<void>((r) => rebind.listen(lease.port, '127.0.0.1', () => r()));
    await new Promise<void>((r) => rebind.close(() => r()));
    await tunnel.close();
  });

  it('keeps its port across a reconnect', async () => {
    const web = http.createServer((_req, res) => res.end('again'));
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => web.close(() => r())));
    const first = await connectSsh({ ...login(sshd), deadlineMs: 5000 });
    const tunnel = await first.openTunnel({ remotePort: (web.address() as net.AddressInfo).port });
    expect(await fetch(tunnel.url).then((r) => r.text())).toBe('again');
    await first.close();
    await expect(fetch(tunnel.url)).rejects.toThrow();
    const second = await connectSsh({ ...login(sshd), deadlineMs: 5000 });
    tunnel.useConnection(second);
    expect(await fetch(tunnel.url).then((r) => r.text())).toBe('again');
    await tunnel.close();
    await second.close();
  });

  it('drops connections when nothing listens in the guest, and remembers why', async () => {
    const tunnel = await conn.openTunnel({ remotePort: await freePort('127.0.0.1') });
    const socket = net.connect(tunnel.localPort, '127.0.0.1');
    socket.on('error', () => {});
    await new Promise((r) => socket.once('close', r));
    expect(tunnel.lastForwardError).toBeDefined();
    await tunnel.close();
  });
});

describe('connection lifetime', () => {
  it('notices a dead peer through keepalive and fails pending work as disconnected', async () => {
    const before = new Set(sshd.children());
    const c = await connectSsh({
      ...login(sshd),
      deadlineMs: 5000,
      keepaliveIntervalMs: 200,
      keepaliveCountMax: 2,
    });
    // Find this connection's server processes (the newest children) and freeze them.
    await c.exec('true');
    const mine = sshd.children().filter((pid) => !before.has(pid));
    const frozen = mine.length > 0 ? mine : sshd.children();
    const closed = new Promise<string | undefined>((r) => c.onClose(r));
    for (const pid of frozen) process.kill(pid, 'SIGSTOP');
    try {
      const pending = c.exec('sleep 5', { timeoutMs: 20_000 });
      const reason = await closed;
      expect(reason ?? '').toMatch(/keepalive/i);
      await expectSshError(pending, 'ssh.disconnected');
      await expectSshError(c.exec('true'), 'ssh.disconnected');
    } finally {
      for (const pid of frozen) {
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          // gone
        }
      }
    }
    // The shared connection was not among them.
    expect((await conn.exec('echo ok')).stdout).toBe('ok\n');
  });

  it('close() ends the connection and later calls fail as disconnected', async () => {
    const c = await connectSsh({ ...login(sshd), deadlineMs: 5000 });
    await c.close();
    expect(c.closed).toBe(true);
    await expectSshError(c.exec('true'), 'ssh.disconnected');
    await c.close();
  });
});
