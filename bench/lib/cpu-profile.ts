// BENCH_CPUPROFILE=<dir>: a figure records a Chrome DevTools CPU profile of a page while Clave
// works (open it in DevTools → Performance), and logs where the time went by function; the host
// process writes its own profile there when it exits (node --cpu-prof).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export async function profilePage<T>(
  page: Page,
  name: string,
  log: (line: string) => void,
  work: () => Promise<T>,
): Promise<T> {
  const dir = process.env.BENCH_CPUPROFILE;
  if (!dir) return work();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  await cdp.send('Profiler.start');
  const result = await work();
  const { profile } = (await cdp.send('Profiler.stop')) as unknown as {
    profile: { nodes: ProfileNode[] };
  };
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  const self = new Map<string, number>();
  let total = 0;
  for (const n of profile.nodes) {
    const hits = n.hitCount ?? 0;
    total += hits;
    const f = n.callFrame;
    const where = `${f.functionName || '(anonymous)'} ${path.basename(f.url)}:${f.lineNumber + 1}`;
    self.set(where, (self.get(where) ?? 0) + hits);
  }
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25);
  log(`CPU profile ${file}; self time:`);
  for (const [where, hits] of top)
    log(`  ${((100 * hits) / total).toFixed(1).padStart(5)}%  ${where}`);
  return result;
}

/** Node flags that make the host write its CPU profile into BENCH_CPUPROFILE when it exits. */
export function hostProfileArgs(): string[] {
  const dir = process.env.BENCH_CPUPROFILE;
  return dir
    ? ['--cpu-prof', '--cpu-prof-interval=200', `--cpu-prof-dir=${path.resolve(dir)}`]
    : [];
}
