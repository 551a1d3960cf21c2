// Rows: what happens to a running session's work — a refused merge, load, a lost connection.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { HIGH_WATER } from '../../../electron/core/session/terminals';
import type { Work } from '../world';
import { agentWork, readSafe, recordingFace, startCollecting, type Row } from './helpers';

// ---------------------------------------------------------------- the agent's work at the end

export const conflictRows: Row[] = [
  {
    family: 'merge',
    name: 'a conflicting merge keeps the record with the reason and leaves main untouched',
    async run(m) {
      const project = m.project('conflict');
      const s = (await startCollecting(m.runtime, project)).session!;
      writeFileSync(path.join(s.worktreeDir!, 'artisan'), 'the agent\n');
      const work = agentWork(s);
      writeFileSync(path.join(project, 'artisan'), 'the user\n');
      m.git(project, 'commit', '-qam', 'user change');
      const head = m.git(project, 'rev-parse', 'HEAD');
      const status = m.git(project, 'status', '--porcelain');
      const r = await m.runtime.host.stop(s.id, 'merge');
      expect(r.outcome).toBe('kept');
      expect(r.problem?.what).toMatch(/would conflict/);
      expect(m.runtime.host.get(s.id).error).toEqual(r.problem);
      expect(m.git(project, 'rev-parse', 'HEAD')).toBe(head);
      expect(m.git(project, 'status', '--porcelain')).toBe(status);
      expect(readFileSync(path.join(project, 'artisan'), 'utf8')).toBe('the user\n');
      // The person keeps it: the record goes, the copy with the work stays.
      expect((await m.runtime.host.stop(s.id, 'keep')).teardownProblems).toEqual([]);
      return { work: [work], kept: [s.id] };
    },
  },
];

// ---------------------------------------------------------------- load

export const loadRows: Row[] = [
  {
    family: 'load',
    name: '8 sessions at once: distinct VMs, ports and names, all torn down',
    async run(m) {
      const project = m.project('eight');
      const started = await Promise.all(
        Array.from({ length: 8 }, () => startCollecting(m.runtime, project)),
      );
      expect(started.map((r) => r.error?.problem?.what ?? 'ok')).toEqual(Array(8).fill('ok'));
      const sessions = started.map((r) => r.session!);
      for (const k of ['vmName', 'vmIp', 'tunnelPort', 'proxyName'] as const)
        expect(new Set(sessions.map((s) => s[k])).size).toBe(8);
      const work = sessions.map((s) => agentWork(s));
      const pages = await Promise.all(
        sessions.map((s) => fetch(`http://127.0.0.1:${s.tunnelPort}/`).then((r) => r.text())),
      );
      for (const p of pages) expect(p).toContain('Hello from the session VM');
      const stops = await Promise.all(sessions.map((s) => m.runtime.host.stop(s.id, 'merge')));
      // Eight merges of the same file into one branch: the first lands, the rest conflict and
      // are kept; none is lost.
      expect(stops.flatMap((r) => r.teardownProblems)).toEqual([]);
      const kept = sessions.filter((_, i) => stops[i]!.outcome === 'kept').map((s) => s.id);
      for (const id of kept) await m.runtime.host.stop(id, 'keep');
      return { work, kept };
    },
  },
  {
    family: 'load',
    name: 'the agent floods its terminal: the host stays responsive and bounded',
    async run(m) {
      const project = m.project('flood');
      const s = (await startCollecting(m.runtime, project)).session!;
      const client = {
        id: 'flood-face',
        received: 0,
        send(event: string, payload: { data?: Uint8Array }) {
          if (event === 'terminal.data') this.received += payload.data?.length ?? 0;
        },
        onClose() {},
      };
      // A face that never acknowledges: flow control must stop the VM's writes, not buffer them.
      const id = await m.runtime.host.openTerminal(client as never, {
        sessionId: s.id,
        kind: 'exec',
        command: ['sh', '-c', 'head -c 200000000 /dev/zero | tr "\\0" x; echo done'],
        cols: 100,
        rows: 30,
      });
      const rss = process.memoryUsage().rss;
      await new Promise((r) => setTimeout(r, 3000));
      expect(client.received).toBeGreaterThan(256 * 1024);
      expect(client.received).toBeLessThan(2 * HIGH_WATER);
      expect(process.memoryUsage().rss - rss).toBeLessThan(200 * 1024 * 1024);
      // Meanwhile the host answers, and a command in the same VM runs.
      expect(m.runtime.host.get(s.id).state).toBe('running');
      const page = await fetch(`http://127.0.0.1:${s.tunnelPort}/`).then((r) => r.text());
      expect(page).toContain('Hello');
      m.runtime.host.terminals.close(id);
      const work = agentWork(s);
      expect((await m.runtime.host.stop(s.id, 'merge')).outcome).toBe('merged');
      return { work: [work] };
    },
  },
];

// ---------------------------------------------------------------- the connection to the VM

export const connectionRows: Row[] = [
  {
    family: 'connection',
    name: 'sshd dies mid-session: the terminal says so, and re-attaches to the agent when it is back',
    async run(m) {
      const project = m.project('sshd-dies');
      const s = (await startCollecting(m.runtime, project)).session!;
      const face = recordingFace(m.runtime);
      await m.runtime.host.openTerminal(face as never, {
        sessionId: s.id,
        kind: 'agent',
        cols: 100,
        rows: 30,
      });
      await face.waitFor(/Welcome to Claude Code/);
      const id = [
        ...(m.runtime.host.terminals as unknown as { open: Map<string, unknown> }).open.keys(),
      ].at(-1)!;
      m.runtime.host.terminals.write(id, 'create notes.md with marker-5150\r');
      await face.waitFor(/marker-5150/);
      await m.world.tart('exec', s.vmName!, 'sudo', 'pkill', '-x', 'sshd');
      await face.waitFor(/Connection to the VM lost, reconnecting/, 15_000);
      await new Promise((r) => setTimeout(r, 2000));
      face.text = '';
      await m.world.tart('exec', s.vmName!, 'sudo', '/usr/sbin/sshd', '-f', '/etc/ssh/sshd_config');
      await face.waitFor(/Reconnected to the VM/, 30_000);
      // tmux redraws the agent's pane: the same agent, its work on screen.
      await face.waitFor(/marker-5150/, 15_000);
      expect(face.exits).toEqual([]);
      m.runtime.host.terminals.write(id, 'append second-line to notes.md\r');
      const page = await fetch(`http://127.0.0.1:${s.tunnelPort}/`).then((r) => r.status);
      expect(page).toBe(200);
      const work: Work = { project, id: s.id, file: 'notes.md', content: '' };
      const until = Date.now() + 15_000;
      while (
        !/second-line/.test(readSafe(path.join(s.worktreeDir!, 'notes.md'))) &&
        Date.now() < until
      )
        await new Promise((r) => setTimeout(r, 200));
      work.content = readSafe(path.join(s.worktreeDir!, 'notes.md'));
      expect(work.content).toMatch(/marker-5150[\s\S]*second-line/);
      expect((await m.runtime.host.stop(s.id, 'merge')).outcome).toBe('merged');
      return { work: [work] };
    },
  },
];
