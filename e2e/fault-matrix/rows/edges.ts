// Rows: bad input at every edge — paths, folders, method names and ids, socket lines, WebSocket
// frames and access.
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { expect } from 'vitest';
import { listenOnSocket } from '../../../electron/core/api/socket-server';
import { attachWebSocket } from '../../../electron/core/api/ws-server';
import { agentWork, startCollecting, userWork, type Row } from './helpers';

// ---------------------------------------------------------------- bad input at the edges

// Control characters are refused with the project; what the VM runtime cannot take (Tart's
// `--dir` splits at a colon) once the backend is chosen — both before anything is made.
const badPaths: [string, string, RegExp, string][] = [
  ['a line break', 'new\nline', /Tart cannot share/, 'validate-project'],
  ['a colon', 'co:lon', /Tart cannot share/, 'choose-backend'],
  ['an escape sequence', 'esc\u001b[31m', /Tart cannot share/, 'validate-project'],
];

export const edgeRows: Row[] = [
  ...badPaths.map(([what, folder, expected, step]): Row => ({
    family: 'bad input',
    name: `a project path with ${what} is refused before anything is made`,
    async run(m) {
      const project = m.project(folder);
      const work = userWork(project);
      const r = await startCollecting(m.runtime, project);
      expect(r.error?.problem?.what).toMatch(expected);
      expect(r.events.find((e) => e.type === 'step-failed')).toMatchObject({ step });
      return { work: [work] };
    },
  })),
  {
    family: 'bad input',
    name: 'a path with spaces, quotes and unicode works end to end',
    async run(m) {
      const project = m.project(`My App "q" 'x' ü 日本`);
      const s = (await startCollecting(m.runtime, project)).session!;
      expect(s.state).toBe('running');
      const work = agentWork(s);
      expect((await m.runtime.host.stop(s.id, 'merge')).outcome).toBe('merged');
      return { work: [work] };
    },
  },
  {
    family: 'bad input',
    name: 'a folder that is not a git repository, or does not exist',
    async run(m) {
      const plain = path.join(m.world.sim.root, 'not-git');
      mkdirSync(plain, { recursive: true });
      writeFileSync(path.join(plain, 'artisan'), '');
      for (const [dir, what] of [
        [plain, /not a git repository/],
        [path.join(plain, 'missing'), /not a folder/],
      ] as const) {
        const r = await startCollecting(m.runtime, dir);
        expect(r.error?.problem?.what).toMatch(what);
      }
      rmSync(plain, { recursive: true, force: true });
    },
  },
  {
    family: 'bad input',
    name: 'a detached HEAD starts with a warning; merge keeps the work',
    async run(m) {
      const project = m.project('detached');
      m.git(project, 'checkout', '-q', '--detach');
      const r = await startCollecting(m.runtime, project);
      expect(
        r.events.some((e) => e.type === 'step-warning' && /detached/.test(e.problem.what)),
      ).toBe(true);
      const work = agentWork(r.session!);
      const stop = await m.runtime.host.stop(r.session!.id, 'merge');
      expect(stop.outcome).toBe('kept');
      await m.runtime.host.stop(r.session!.id, 'keep');
      return { work: [work], kept: [r.session!.id] };
    },
  },
  {
    family: 'bad input',
    name: 'unknown ids and method names like __proto__ are refused; the host goes on',
    async run(m) {
      const face = { id: 'edge-face', send() {}, onClose() {} };
      const call = (method: string, params: unknown) =>
        m.runtime.dispatch({ method, params }, face).then(
          () => 'answered',
          (e: Error) => e.message,
        );
      for (const method of ['__proto__', 'constructor', 'toString', 'hasOwnProperty'])
        expect(await call(method, {})).toMatch(/unknown method|Malformed/i);
      expect(await call('sessions.get', { id: 'zzzzzzzz' })).toMatch(/No session zzzzzzzz/);
      expect(await call('sessions.stop', { id: '../../etc' })).toMatch(/Invalid parameters/);
      expect(await call('terminal.write', { terminalId: 'nope', data: 'x' })).toMatch(
        /No open terminal|Invalid/,
      );
      expect(await call('sessions.start', { projectDir: '/p/x\u0000y' })).toMatch(/Invalid/);
      expect(await call('app.info', {})).toBe('answered');
    },
  },
];

// ---------------------------------------------------------------- the wire: socket and WebSocket

/** A raw client of the host's socket: what it received, and whether the host closed it. */
async function rawSocket(file: string) {
  const sock = net.connect(file);
  await new Promise<void>((resolve, reject) => sock.once('connect', resolve).once('error', reject));
  const c = { sock, received: '', closed: false };
  sock.on('data', (d) => (c.received += d.toString()));
  sock.on('error', () => {});
  sock.once('close', () => (c.closed = true));
  return c;
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  return check();
}

/** A fresh face still gets answers: the host survived whatever came before. */
async function hostAnswers(file: string): Promise<void> {
  const c = await rawSocket(file);
  c.sock.write(JSON.stringify({ id: 1, method: 'app.info', params: {} }) + '\n');
  expect(await until(() => c.received.includes('"Clave"'), 5000)).toBe(true);
  c.sock.destroy();
}

export const wireRows: Row[] = [
  {
    family: 'bad input',
    name: 'malformed, oversize and hostile socket messages: a clear error, the host goes on',
    async run(m) {
      const file = path.join(m.world.sim.root, 'matrix.sock');
      const server = await listenOnSocket(file, m.runtime.dispatch, m.runtime.clients);
      try {
        const c = await rawSocket(file);
        for (const line of [
          '{not json',
          '[]',
          '{"id":"x","method":"app.info"}',
          '{"id":2,"method":"__proto__","params":{}}',
          '{"id":3,"method":"sessions.get","params":{"id":"zzzzzzzz"}}',
          '{"id":4,"method":"sessions.start","params":{"projectDir":"/a\\nb"}}',
        ])
          c.sock.write(line + '\n');
        expect(await until(() => (c.received.match(/\n/g) ?? []).length >= 6, 5000)).toBe(true);
        const answers = c.received
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { error?: { what: string } });
        expect(answers.every((a) => a.error && a.error.what.length > 0)).toBe(true);
        expect(c.closed).toBe(false);
        // A line past the limit without its newline: a clear error, that connection closed.
        const big = await rawSocket(file);
        const rss = process.memoryUsage().rss;
        big.sock.write('{"id":9,"method":"app.info","params":{"x":"' + 'x'.repeat(8 * 1024 * 1024));
        expect(await until(() => big.closed, 10_000), 'the host closes an oversize line').toBe(
          true,
        );
        expect(big.received).toMatch(/too large/i);
        expect(process.memoryUsage().rss - rss).toBeLessThan(100 * 1024 * 1024);
        await hostAnswers(file);
      } finally {
        server.close();
      }
    },
  },
  {
    family: 'bad input',
    name: 'WebSocket: no token or a foreign Origin is refused; an oversize frame drops that face only',
    async run(m) {
      const http = await import('node:http');
      const { default: WebSocket } = await import('ws');
      const server = http.createServer();
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      const port = (server.address() as net.AddressInfo).port;
      const origin = `http://127.0.0.1:${port}`;
      const token = randomBytes(16).toString('hex');
      const allowedOrigin = (o: string | undefined) => o === origin;
      attachWebSocket(server, m.runtime.dispatch, m.runtime.clients, { allowedOrigin, token });
      const connect = (query: string, from = origin) =>
        new Promise<InstanceType<typeof WebSocket> | string>((resolve) => {
          const ws = new WebSocket(`ws://127.0.0.1:${port}/api${query}`, { origin: from });
          ws.once('open', () => resolve(ws));
          ws.once('unexpected-response', (_q, res) => resolve(`refused ${res.statusCode}`));
          ws.once('error', (e) => resolve(`error ${e.message}`));
        });
      const ask = (ws: InstanceType<typeof WebSocket>, text: string) =>
        new Promise<string>((resolve) => {
          ws.once('message', (d) => resolve(d.toString()));
          ws.send(text);
        });
      try {
        const outcome = async (query: string, from?: string) => {
          const r = await connect(query, from);
          if (typeof r === 'string') return r;
          r.close();
          return 'accepted';
        };
        expect(await outcome(`?token=${token}`, 'http://evil.example')).toMatch(/refused 40[13]/);
        expect(await outcome('')).toMatch(/refused 401/);
        expect(await outcome('?token=wrong')).toMatch(/refused 401/);
        const ws = await connect(`?token=${token}`);
        if (typeof ws === 'string') throw new Error(ws);
        expect(await ask(ws, '{broken')).toMatch(/Malformed/);
        expect(await ask(ws, '{"id":1,"method":"__proto__","params":{}}')).toMatch(
          /unknown method/i,
        );
        const dropped = new Promise<number>((r) => ws.once('close', (code) => r(code)));
        ws.send('x'.repeat(3 * 1024 * 1024));
        expect(await dropped).toBe(1009);
        const again = await connect(`?token=${token}`);
        if (typeof again === 'string') throw new Error(again);
        expect(await ask(again, '{"id":2,"method":"app.info","params":{}}')).toMatch(/"Clave"/);
        again.close();
      } finally {
        server.closeAllConnections();
        server.close();
      }
    },
  },
];
