import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Test helper: an executable that records its argv (one JSON array per line) and the value of
 * CI, then prints canned stdout/stderr and exits with a canned code, all read from files next to
 * it, so a test can script a tool's answers.
 */
export function installRecordingTool(dir: string, name: string) {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  const log = path.join(dir, `${name}.calls`);
  writeFileSync(
    file,
    `#!/usr/bin/env node
const fs = require('fs');
const dir = ${JSON.stringify(dir)};
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ argv: process.argv.slice(2), ci: process.env.CI ?? null, path: process.env.PATH }) + '\\n');
const read = (f) => { try { return fs.readFileSync(dir + '/' + f, 'utf8'); } catch { return ''; } };
const pause = Number(read('sleep') || 0);
if (pause > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pause);
process.stdout.write(read('stdout'));
process.stderr.write(read('stderr'));
process.exitCode = Number(read('exit') || 0);
`,
  );
  chmodSync(file, 0o755);
  return {
    file,
    respond(answer: { stdout?: string; stderr?: string; exit?: number; sleepMs?: number }) {
      writeFileSync(path.join(dir, 'sleep'), String(answer.sleepMs ?? 0));
      writeFileSync(path.join(dir, 'stdout'), answer.stdout ?? '');
      writeFileSync(path.join(dir, 'stderr'), answer.stderr ?? '');
      writeFileSync(path.join(dir, 'exit'), String(answer.exit ?? 0));
    },
    calls(): Array<{ argv: string[]; ci: string | null; path: string }> {
      try {
        return readFileSync(log, 'utf8')
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => JSON.parse(l) as { argv: string[]; ci: string | null; path: string });
      } catch {
        return [];
      }
    },
  };
}
