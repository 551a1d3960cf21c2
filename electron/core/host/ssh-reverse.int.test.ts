// Reverse forwards (`ssh -R`, ssh2 forwardIn) against a real OpenSSH server: the guest's
// localhost:<port> reaches a server on this machine, a taken port is refused with what/why/fix,
// and close() frees the guest port.
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSsh, SshError, type SshConnection } from './ssh';
import { command } from './shell-quote';
import { freePort, startSshd, type Sshd } from './testing/sshd';

let sshd: Sshd;
let conn: SshConnection;
let web: http.Server;
let webPort: number;

beforeAll(async () => {
  sshd = await startSshd();
  conn = await connectSsh({
    host: sshd.address,
    port: sshd.port,
    username: sshd.user,
    password: sshd.password,
    deadlineMs: 10_000,
  });
  web = http.createServer((req, res) => res.end(`from the Mac ${req.url ?? ''}`));
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', () => r()));
  webPort = (web.address() as net.AddressInfo).port;
});

afterAll(async () => {
  await conn?.close();
  await sshd?.stop();
  await new Promise<void>((r) => (web ? web.close(() => r()) : r()));
});

/** `curl` run by the guest user through the connection: what the guest sees on that URL. */
async function guestCurl(url: string): Promise<{ code: number | null; body: string }> {
  const r = await conn.exec(command(['curl', '-sS', '--max-time', '5', url]));
  return { code: r.code, body: r.stdout };
}

describe('reverse forward', () => {
  it("makes the guest's localhost:<port> reach a server here, until closed", async () => {
    const guestPort = await freePort('127.0.0.1');
    const forward = await conn.forwardIn(guestPort, { host: '127.0.0.1', port: webPort });
    const answers = await Promise.all(
      [1, 2, 3, 4].map((i) => guestCurl(`http://127.0.0.1:${guestPort}/r${i}`)),
    );
    expect(answers).toEqual([1, 2, 3, 4].map((i) => ({ code: 0, body: `from the Mac /r${i}` })));
    await forward.close();
    expect((await guestCurl(`http://127.0.0.1:${guestPort}/`)).code).not.toBe(0);
    // The port is free again: forwarding it once more works.
    const again = await conn.forwardIn(guestPort, { host: '127.0.0.1', port: webPort });
    expect((await guestCurl(`http://127.0.0.1:${guestPort}/x`)).body).toBe('from the Mac /x');
    await again.close();
  });

  it('refuses a port that is taken in the guest, saying so', async () => {
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const error = await conn.forwardIn(port, { host: '127.0.0.1', port: webPort }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SshError);
      expect((error as SshError).code).toBe('ssh.tunnel-failed');
      expect((error as SshError).what).toBe(`Could not listen on port ${port} in ${conn.target}`);
      expect((error as SshError).why).toMatch(/port is taken in the VM/);
    } finally {
      await new Promise<void>((r) => taken.close(() => r()));
    }
  });

  it('a guest connection to a target that does not answer is closed, not hung', async () => {
    const guestPort = await freePort('127.0.0.1');
    // Not the guest port itself: guest and "Mac" share this loopback here.
    let dead = await freePort('127.0.0.1');
    while (dead === guestPort) dead = await freePort('127.0.0.1');
    const forward = await conn.forwardIn(guestPort, { host: '127.0.0.1', port: dead });
    const r = await guestCurl(`http://127.0.0.1:${guestPort}/`);
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBe(28); // curl's timeout: the channel was closed, not left hanging
    await forward.close();
  });
});
