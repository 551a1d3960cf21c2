// Code by git instead of a share (contracts/orchard.md §5): the CodeSync of runtimes whose VMs
// cannot see this Mac's folders. Over the guest shell alone: git bundles and a tar through the
// stdin and stdout of commands, no git transport, no ssh client. What was synced is recorded in
// the copy (SYNCED_REF), so a collect knows whether the copy changed here since.
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import os from 'node:os';
import path from 'node:path';
import { HostError, firstLine, tail } from '../../host/errors';
import type { Git } from '../../host/git';
import type { CodeSync } from '../code-sync';
import type { GuestExecResult, GuestShell } from '../runtime';
import { carriedFiles, exactIgnorePattern, mb, projectInclude, tarFiles } from './carried';
import { carryCommand, collectCommand, probeCommand, pushCommand } from './guest-scripts';
import { BundleReceiver, type Collected } from './collect-stream';

export interface GitCodeSyncDeps {
  git: Git;
  /** A project's `.clave.json` `include` patterns (default: read from the project). */
  include?: (project: string) => readonly string[] | undefined;
  /** Longest one transfer (a bundle either way) may take. Default 10 minutes. */
  transferTimeoutMs?: number;
  /** Largest bundle (or tar of carried files) accepted either way. Default 1 GiB. */
  maxBytes?: number;
}

const QUICK_MS = 30_000;

export function gitCodeSync(deps: GitCodeSyncDeps): CodeSync {
  const { git } = deps;
  const include = deps.include ?? projectInclude;
  const transferMs = deps.transferTimeoutMs ?? 10 * 60_000;
  const maxBytes = deps.maxBytes ?? 1024 * 1024 * 1024;

  // One sync of a copy at a time (a turn's sync may meet one asked for by hand): a collect that
  // started from the same synced state as another would take the other's result for the Mac's edit.
  const busy = new Map<string, Promise<unknown>>();
  function oneAtATime<T>(copyDir: string, fn: () => Promise<T>): Promise<T> {
    const key = path.resolve(copyDir);
    const run = (busy.get(key) ?? Promise.resolve()).then(fn);
    const settled = run.then(
      () => {},
      () => {},
    );
    busy.set(key, settled);
    void settled.then(() => {
      if (busy.get(key) === settled) busy.delete(key);
    });
    return run;
  }

  const sync: CodeSync = {
    async push(shell, copyDir, guestPath, signal) {
      const at = signal ? { signal } : {};
      const now = await git.copyState(copyDir);
      const synced = await git.syncedState(copyDir);
      const probe = await shell.exec(
        probeCommand(guestPath, [now.state, ...(synced ? [synced.state] : [])]),
        { timeoutMs: QUICK_MS, ...at },
      );
      if (probe.code !== 0) return probe;
      const guestHas = probe.stdout.split('\n').filter((l) => l !== '');
      const bundle = guestHas.includes(now.state)
        ? Buffer.alloc(0)
        : await withTemp((file) =>
            git.bundleState(copyDir, now.state, guestHas, file).then(() => readFile(file)),
          );
      if (bundle.length > maxBytes) throw tooLarge('The session copy', bundle.length, maxBytes);
      const checkout = await shell.exec(
        pushCommand({ dir: guestPath, ...now, synced: synced?.state ?? null }),
        {
          timeoutMs: transferMs,
          stdin: bundle,
          ...at,
        },
      );
      if (checkout.code !== 0) return checkout;
      const carried = await carriedFiles(git, copyDir, include);
      let carry: GuestExecResult = { code: 0, stdout: '', stderr: '' };
      if (carried.length > 0) {
        const tar = await tarFiles(copyDir, carried, { maxBytes, timeoutMs: transferMs });
        const patterns = carried.map(exactIgnorePattern).filter((p) => p !== null);
        carry = await shell.exec(carryCommand(guestPath, patterns), {
          timeoutMs: transferMs,
          stdin: tar,
          ...at,
        });
        if (carry.code !== 0) return carry;
      }
      await git.markSynced(copyDir, now.state, 'clave: pushed to the VM');
      return {
        code: 0,
        stdout: `pushed ${now.branch ?? now.head.slice(0, 12)} (${mb(bundle.length)})${carried.length ? `, carried ${carried.join(', ')}` : ''}\n`,
        stderr: checkout.stderr + carry.stderr,
      };
    },

    async collect(shell, copyDir, guestPath) {
      const recorded = await git.syncedState(copyDir);
      if (recorded === null) {
        throw new HostError({
          code: 'sync.never-pushed',
          what: "Cannot bring the VM's work back",
          why: `${copyDir} was never pushed into a VM, so there is nothing to compare with.`,
          fix: 'Start (or resume) the session, which pushes the copy into its VM, then sync.',
        });
      }
      // Refuse before anything crosses the wire: the Mac's edits would be overwritten.
      const synced = await git.assertUnchangedSince(copyDir, recorded);
      await withTemp(async (file) => {
        const got = await receiveBundle(shell, guestPath, synced.state, file, {
          maxBytes,
          timeoutMs: transferMs,
        });
        if (got.bytes === 0) return; // The VM holds exactly what was last synced.
        const state = await git.fetchGuestState(copyDir, file);
        if (state !== got.state) {
          throw collectFailed(guestPath, `The bundle holds ${state}, the VM said ${got.state}.`);
        }
        await git.adoptState(copyDir, synced, state, 'clave: collected from the VM');
      });
      return new Date();
    },
  };
  return {
    push: (shell, copyDir, guestPath, signal) =>
      oneAtATime(copyDir, () => sync.push(shell, copyDir, guestPath, signal)),
    collect: (shell, copyDir, guestPath) =>
      oneAtATime(copyDir, () => sync.collect(shell, copyDir, guestPath)),
  };
}

async function withTemp<T>(fn: (file: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'clave-sync-'));
  try {
    return await fn(path.join(dir, 'bundle'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function tooLarge(what: string, bytes: number, max: number): HostError {
  return new HostError({
    code: 'sync.too-large',
    what: `${what} is too large to sync`,
    why: `Its bundle is ${mb(bytes)}, over the limit of ${mb(max)}.`,
    fix: 'Remove large files from the work (or from git history), then sync again.',
  });
}

/** Runs the collect command in the VM, its bundle streamed into `file`. */
async function receiveBundle(
  shell: GuestShell,
  guestPath: string,
  since: string,
  file: string,
  limits: { maxBytes: number; timeoutMs: number },
): Promise<Collected> {
  const out = createWriteStream(file);
  const receiver = new BundleReceiver(out, limits.maxBytes);
  let r: GuestExecResult | null = null;
  try {
    r = await shell.exec(collectCommand(guestPath, since), {
      timeoutMs: limits.timeoutMs,
      signal: receiver.signal,
      onStdout: receiver.push,
    });
  } catch (error) {
    if (receiver.error === null) throw error;
  } finally {
    out.end();
    await finished(out);
  }
  if (receiver.error) throw receiver.error;
  if (r === null || r.code !== 0) {
    throw collectFailed(guestPath, firstLine(r?.stderr ?? '') || `exit ${String(r?.code)}`, r);
  }
  const got = receiver.result();
  if (got === null) throw collectFailed(guestPath, 'The VM sent less than it announced.', r);
  if (got.bytes === 0 && got.state !== since) {
    throw collectFailed(guestPath, 'The VM sent no bundle for a state Clave does not have.', r);
  }
  return got;
}

function collectFailed(guestPath: string, why: string, r?: GuestExecResult | null): HostError {
  return new HostError({
    code: 'sync.collect-failed',
    what: "Could not bring the VM's work back",
    why,
    fix: `Check that the VM is running and ${guestPath} in it is a git checkout, then sync again.`,
    ...(r ? { detail: tail(r.stderr) } : {}),
  });
}
