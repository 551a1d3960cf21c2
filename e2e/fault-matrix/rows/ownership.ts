// Rows: what is the user's stays the user's (cleanup), and secrets stay where they belong.
import { expect } from 'vitest';
import { USER_PROXIES, USER_VM } from '../world';
import {
  agentWork,
  linkSafe,
  readdirSafe,
  readSafe,
  startCollecting,
  walk,
  type Row,
} from './helpers';

// ---------------------------------------------------------------- what is the user's

export const userRows: Row[] = [
  {
    family: 'user items',
    name: 'cleanup while a session runs removes only what Clave made',
    async run(m) {
      const project = m.project('cleanup');
      const s = (await startCollecting(m.runtime, project)).session!;
      const work = agentWork(s);
      // The session is ended either way, so what is left afterwards is the product's doing.
      const dry = await m.runtime.host.cleanup(true);
      const r = await m.runtime.host.cleanup(false);
      let failure: unknown = null;
      try {
        // A session runs and nothing of Clave's is orphaned: nothing to remove but the dependency
        // snapshots of the matrix's earlier (ended) sessions — Clave's caches, which cleanup may
        // drop — none of the running session's own, and no user item is even mentioned.
        const removed = dry.items.filter((i) => i.action === 'remove');
        expect(removed.filter((i) => i.kind !== 'snapshot' || i.sessionId === s.id)).toEqual([]);
        const userNames = [USER_VM, ...USER_PROXIES.map(([n]) => n)];
        expect(dry.items.filter((i) => userNames.includes(i.name))).toEqual([]);
        expect(r.problems).toEqual([]);
        expect(m.runtime.host.get(s.id).state).toBe('running');
        expect(await fetch(`http://127.0.0.1:${s.tunnelPort}/`).then((x) => x.status)).toBe(200);
      } catch (e) {
        failure = e;
      }
      const stop = await m.runtime.host.stop(s.id, 'merge');
      if (failure) throw failure;
      expect(stop.outcome).toBe('merged');
      return { work: [work] };
    },
  },
];

// ---------------------------------------------------------------- secrets

export const secretRows: Row[] = [
  {
    family: 'secrets',
    name: 'the Claude credential is in no log, record, worktree file, argv or tool environment',
    async run(m) {
      const key = m.world.env.ANTHROPIC_API_KEY!;
      const project = m.project('secrets');
      const s = (await startCollecting(m.runtime, project)).session!;
      const found: string[] = [];
      // argv and environment of every process on this machine but the test itself.
      // The key is unique to this run (world.ts), so any process holding it got it from us.
      for (const pid of readdirSafe('/proc').filter((p) => /^\d+$/.test(p))) {
        // This test runs a session host, which holds the key to hand it to the VM; so does a
        // `clave serve` of the rows that kill hosts. Every other process must not have it.
        if (Number(pid) === process.pid || Number(pid) === m.processHosts().pid) continue;
        // Processes inside a VM (another PID namespace) are the agent's: it needs the key.
        if (linkSafe(`/proc/${pid}/ns/pid`) !== linkSafe('/proc/self/ns/pid')) continue;
        const argv = readSafe(`/proc/${pid}/cmdline`);
        if (argv.includes(key)) found.push(`argv of ${pid}: ${argv.replace(/\0/g, ' ')}`);
        if (readSafe(`/proc/${pid}/environ`).includes(key))
          found.push(`environment of ${pid}: ${argv.replace(/\0/g, ' ')}`);
      }
      await m.runtime.host.stop(s.id, 'keep');
      // Logs, the database, and every file in the project and its copy.
      for (const file of walk(m.world.claveHome).concat(walk(project)))
        if (readSafe(file).includes(key)) found.push(file);
      expect(found).toEqual([]);
      return { kept: [s.id] };
    },
  },
];
