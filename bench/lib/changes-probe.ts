// The changes view's costs for `npm run bench`, each against what a person would run by hand:
//   - live: a write in a session copy → `changes.updated` at a watching client, vs a bare
//     recursive fs.watch event on the same folder (the difference is the debounce, by design);
//   - size: changes.get and changes.diff on a generated repository of BENCH_FILES files (50k)
//     with one file rewritten to 5 MB and 20 edited, vs `git status` + `git diff --numstat
//     <base>` and `git diff <base> -- <file>` (whole, where Clave cuts it at 512 KiB).
// Run as `npm run bench -- changes`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, watch, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Client } from '../../electron/core/api/dispatch';
import { Git } from '../../electron/core/host/git';
import { SessionChanges } from '../../electron/core/session/changes/session-changes';
import { ChangesWatchers } from '../../electron/core/session/changes/watchers';
import { median } from './stats';

export type Row = readonly [what: string, baseline: number, clave: number];

const FILES = Number(process.env.BENCH_FILES ?? 50_000);
const DIFF_BYTES = 5 * 1024 * 1024;
const ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.invalid',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.invalid',
};
// No background gc: it would still write in the repository while the bench removes it.
const sh = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'gc.auto=0', ...args], {
    cwd,
    env: ENV,
    maxBuffer: 256 * 1024 * 1024,
    timeout: 300_000,
  });

async function timed(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** ms from a write to the first event, `rounds` times, for a watch started by `start`. */
async function latency(
  dir: string,
  rounds: number,
  start: (notify: () => void) => () => void,
): Promise<number> {
  const out: number[] = [];
  for (let i = 0; i < rounds; i++) {
    let resolve: () => void = () => {};
    const heard = new Promise<void>((r) => (resolve = r));
    const stop = start(() => resolve());
    await new Promise((r) => setTimeout(r, 100));
    const t0 = performance.now();
    writeFileSync(path.join(dir, `bench-${i}.txt`), `${i}\n`);
    await Promise.race([
      heard,
      new Promise((_, no) => setTimeout(() => no(new Error('no event in 5 s')), 5000)),
    ]);
    out.push(performance.now() - t0);
    stop();
  }
  return median(out);
}

/** Turns a client's watch of the bench session on or off (through the API in bench.ts). */
export type WatchSwitch = (client: Client, on: boolean) => unknown;

/** A write in `copy` → changes.updated at a watching client, vs a bare fs.watch. */
export async function benchLive(copy: string, rounds: number, watchFor: WatchSwitch): Promise<Row> {
  const bare = await latency(copy, rounds, (notify) => {
    const w = watch(copy, { recursive: true }, notify);
    return () => w.close();
  });
  const ours = await latency(copy, rounds, (notify) => {
    const client: Client = {
      id: 'bench',
      send: (event) => event === 'changes.updated' && notify(),
      onClose: () => {},
    };
    void watchFor(client, true);
    return () => void watchFor(client, false);
  });
  return ['write → changes.updated (debounced)', bare, ours];
}

/** changes.get and changes.diff on a generated repository, vs git by hand. */
export async function benchSize(rounds: number): Promise<Row[]> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'clave-bench-changes-'));
  try {
    const repo = path.join(root, 'project');
    for (let i = 0; i < FILES; i++) {
      const dir = path.join(repo, 'src', `d${Math.floor(i / 100)}`);
      if (i % 100 === 0) mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, `f${i}.php`), `<?php\n// file ${i}\n`);
    }
    sh(repo, 'init', '-q', '-b', 'main');
    sh(repo, 'add', '-A');
    sh(repo, 'commit', '-qm', 'generated');
    const git = new Git({ env: ENV, timeoutMs: 120_000 });
    const copy = await git.createSessionCopy({ repo, id: 'bench001' });
    const line = 'x'.repeat(99) + '\n';
    // A tracked file rewritten to 5 MB (a new file costs one listing more: a rename may end there).
    const big = 'src/d1/f100.php';
    writeFileSync(path.join(copy.path, big), line.repeat(DIFF_BYTES / line.length));
    for (let i = 0; i < 20; i++)
      writeFileSync(path.join(copy.path, 'src', 'd0', `f${i}.php`), 'edited\n');
    const changes = new SessionChanges(git, () => ({
      id: 'bench001',
      projectDir: repo,
      worktreeDir: copy.path,
      baseBranch: 'main',
      baseCommit: copy.base.commit,
      branch: copy.branch,
    }));
    const base = copy.base.commit;
    const get: number[] = [];
    const byHand: number[] = [];
    const diff: number[] = [];
    const diffByHand: number[] = [];
    for (let i = 0; i < rounds; i++) {
      byHand.push(
        await timed(() => {
          sh(copy.path, 'status', '--porcelain', '--untracked-files=all');
          sh(copy.path, 'diff', '--numstat', base);
        }),
      );
      get.push(await timed(() => changes.get('bench001')));
      diffByHand.push(await timed(() => sh(copy.path, 'diff', base, '--', big).length));
      diff.push(await timed(() => changes.diff('bench001', big)));
    }
    return [
      [`changes.get, ${FILES / 1000}k files`, median(byHand), median(get)],
      [
        `changes.diff, ${DIFF_BYTES / 1024 / 1024} MB file (cut at 512 KiB)`,
        median(diffByHand),
        median(diff),
      ],
    ];
  } finally {
    rmSync(root, { recursive: true, force: true, maxRetries: 5 });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clave-bench-live-'));
  try {
    const watchers = new ChangesWatchers(() => dir);
    const live = await benchLive(dir, rounds, (c, on) => watchers.set(c, 'bench001', on));
    const rows = [live, ...(await benchSize(rounds))];
    for (const [what, base, ours] of rows)
      console.log(
        `${what.padEnd(44)} baseline ${base.toFixed(0).padStart(6)} ms  clave ${ours.toFixed(0).padStart(6)} ms  ratio ${(ours / base).toFixed(2)}`,
      );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
