// A host killed with SIGKILL mid-session (the app crashed): the VM and the agent live on, and the
// next host re-attaches — tunnel and proxy re-made, the agent's tmux pane exactly as it was.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SocketConnection } from '../api/socket-client';
import { dataPaths } from '../config/paths';
import { openDatabase } from '../store/database';
import { SessionsRepository } from '../store/sessions-repository';
import { HostProcesses } from './testing/host-process';
import { createSimWorld, provisionBase, type SimWorld } from './testing/sim-env';

let world: SimWorld;
let hosts: HostProcesses;

/** Reads what a terminal shows until `until` matches (xterm would render the same bytes). */
async function terminalText(
  conn: SocketConnection,
  sessionId: string,
  kind: 'agent' | 'exec',
  until: RegExp,
  command?: string[],
) {
  let text = '';
  let id = '';
  const utf8 = new StringDecoder('utf8');
  // The host's output can overtake terminal.open's answer (tmux's redraw of the pane, often):
  // it waits here until the id is known.
  const early: { terminalId: string; data: Uint8Array }[] = [];
  let resolveDone = () => {};
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const take = (e: { terminalId: string; data: Uint8Array }) => {
    if (e.terminalId !== id) return;
    text += utf8.write(e.data);
    // After a crash an ack has no host to reach: that is the test's point, not an error.
    conn.api.call('terminal.ack', { terminalId: id, bytes: e.data.length }).catch(() => {});
    if (until.test(text)) resolveDone();
  };
  conn.api.on('terminal.data', (e) => (id ? take(e) : early.push(e)));
  ({ terminalId: id } = await conn.api.call('terminal.open', {
    sessionId,
    kind,
    cols: 100,
    rows: 30,
    ...(command ? { command } : {}),
  }));
  for (const e of early.splice(0)) take(e);
  await Promise.race([
    done,
    new Promise((_, rej) =>
      setTimeout(() => rej(new Error(`timed out waiting for ${until}: ${text}`)), 20_000),
    ),
  ]);
  return { id, text: () => text };
}

beforeAll(async () => {
  world = await createSimWorld();
  await provisionBase(world);
  hosts = new HostProcesses(world);
});

afterAll(async () => {
  await hosts.stopAll();
  await world.cleanup();
});

describe('a host killed mid-session', () => {
  it('re-attaches the live session with the agent pane intact', async () => {
    const first = await hosts.start();
    const project = world.project('crash');
    const s = await first.api.call('sessions.start', { projectDir: project, wait: true });

    // Claude's prompt appears in the agent terminal; type a request into it.
    const agent = await terminalText(first, s.id, 'agent', /Welcome to Claude Code/);
    await first.api.call('terminal.write', {
      terminalId: agent.id,
      data: 'remember the marker 7f3a\r',
    });
    await new Promise((r) => setTimeout(r, 1000));

    await hosts.crash();
    expect(world.sim.runningVMs()).toContain(s.vmName);

    const second = await hosts.start();
    const after = await second.api.call('sessions.get', { id: s.id });
    expect(after.state).toBe('running');
    const page = await fetch(`http://127.0.0.1:${after.tunnelPort}/`).then((r) => r.text());
    expect(page).toContain('Hello from the session VM');

    const pane = await terminalText(second, s.id, 'agent', /7f3a/);
    expect(pane.text()).toContain('remember the marker 7f3a');

    const stop = await second.api.call('sessions.stop', {
      id: s.id,
      onExit: 'discard',
      force: true,
    });
    expect(stop.teardownProblems).toEqual([]);
    expect(world.sim.runningVMs()).toEqual([]);
    expect(await second.api.call('sessions.list', {})).toEqual([]);
    second.end();
  });

  it('a discard cut short finishes as a discard; a copy holding work is still kept', async () => {
    const first = await hosts.start();
    const [empty, busy] = await Promise.all(
      ['cut-discard', 'cut-discard-work'].map((name) =>
        first.api.call('sessions.start', { projectDir: world.project(name), wait: true }),
      ),
    );
    writeFileSync(path.join(busy!.worktreeDir!, 'notes.txt'), 'not committed\n');
    await hosts.crash();
    // What a host killed in the middle of the person's discard leaves on record.
    const db = openDatabase(dataPaths(world.claveHome).database);
    const sessions = new SessionsRepository(db);
    for (const s of [empty!, busy!]) sessions.transition(s.id, 'stopping', { onExit: 'discard' });
    db.close();

    const second = await hosts.start();
    const left = await second.api.call('sessions.list', {});
    expect(left.map((s) => [s.id, s.state])).toEqual([[busy!.id, 'kept']]);
    expect(existsSync(empty!.worktreeDir!)).toBe(false);
    expect(existsSync(path.join(busy!.worktreeDir!, 'notes.txt'))).toBe(true);
    expect(world.sim.runningVMs()).toEqual([]);
    await second.api.call('sessions.stop', { id: busy!.id, onExit: 'discard', force: true });
    second.end();
  });
});
