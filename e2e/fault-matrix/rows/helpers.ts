// What the fault-matrix rows share: the Row shape, starting a session while collecting its
// progress, planting work, a face that records its terminals, and safe file reads.
import { StringDecoder } from 'node:string_decoder';
import {
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import type { HostRuntime } from '../../../electron/core/compose';
import type { PipelineEvent, SessionSummary } from '../../../shared/session';
import type { MatrixWorld, RowOutcome, Work } from '../world';
import { startRun } from '../../sim/vm';
import { BASE_VM } from '../world';

export interface Row {
  family: string;
  name: string;
  run(m: MatrixWorld): Promise<RowOutcome | void>;
}

// ---------------------------------------------------------------- helpers

/** Start on `rt`, collecting progress; resolves with the session or the failure. */
export async function startCollecting(
  rt: HostRuntime,
  projectDir: string,
): Promise<{
  session?: SessionSummary;
  error?: { problem?: { what: string; why?: string; fix?: string } };
  events: PipelineEvent[];
}> {
  const events: PipelineEvent[] = [];
  const listener = (e: { event: PipelineEvent }) => events.push(e.event);
  rt.host.on('session.progress', listener);
  try {
    const session = await rt.host.start({ projectDir, wait: true });
    return { session, events };
  } catch (error) {
    return { error: error as { problem?: { what: string } }, events };
  } finally {
    rt.host.off('session.progress', listener);
  }
}

/** Uncommitted work of the user in the main project: no row may touch it. */
export function userWork(project: string): Work {
  const content = `the user's own notes ${path.basename(project)}\n`;
  writeFileSync(path.join(project, 'user-notes.txt'), content);
  return { project, file: 'user-notes.txt', content };
}

/** The agent's work in a running session's copy (as the agent would leave it: uncommitted). */
export function agentWork(s: SessionSummary, file = 'agent-work.txt'): Work {
  const content = `work of the agent in ${s.id}\n`;
  writeFileSync(path.join(s.worktreeDir!, file), content);
  return { project: s.projectDir, id: s.id, file, content };
}

/** A base VM broken in one way, made by booting a clone and changing it as root. */
export async function brokenBase(m: MatrixWorld, name: string, script: string): Promise<string> {
  const { world } = m;
  await world.tart('clone', BASE_VM, name);
  m.fixtureVm(name);
  const run = startRun(world.sim, name);
  await world.tart('ip', name, '--wait', '30');
  await world.tart('exec', name, 'sudo', 'sh', '-c', script);
  await world.tart('stop', name);
  await run.exited;
  return name;
}

/** A face that records what its terminals show and never lags (acknowledges everything). */
export function recordingFace(rt: HostRuntime) {
  const utf8 = new StringDecoder('utf8');
  const face = {
    id: `face-${Math.random()}`,
    text: '',
    exits: [] as (number | null)[],
    send(
      event: string,
      payload: { terminalId: string; data?: Uint8Array; exitCode?: number | null },
    ) {
      if (event === 'terminal.data') {
        face.text += utf8.write(payload.data!);
        rt.host.terminals.ack(payload.terminalId, payload.data!.length);
      }
      if (event === 'terminal.exit') face.exits.push(payload.exitCode ?? null);
    },
    onClose() {},
    async waitFor(re: RegExp, ms = 30_000) {
      const until = Date.now() + ms;
      while (!re.test(face.text)) {
        if (Date.now() > until)
          throw new Error(`timed out waiting for ${re}: ${face.text.slice(-500)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
  return face;
}

export function readSafe(file: string): string {
  try {
    return readFileSync(file, 'latin1');
  } catch {
    return '';
  }
}

export function linkSafe(file: string): string {
  try {
    return readlinkSync(file);
  } catch {
    return 'gone';
  }
}

export function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSafe(dir)) {
    const p = path.join(dir, e);
    try {
      const st = lstatSync(p);
      if (st.isDirectory()) out.push(...walk(p));
      else if (st.isFile()) out.push(p);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}
