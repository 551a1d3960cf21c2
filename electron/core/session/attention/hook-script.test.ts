// The hook script run as Claude runs it: /bin/sh with the event's JSON on stdin, HOME as the VM
// user's. Every line it leaves must be one the host parses.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  claveHooks,
  HOOK_EVENTS,
  HOOK_SCRIPT,
  hookScript,
  MAX_PAYLOAD_BYTES,
  SPOOL_FILE,
} from './hook-script';
import { parseSpoolLine } from './spool-line';

const root = mkdtempSync(path.join(tmpdir(), 'clave-hook-'));
let home = '';
let n = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));

beforeEach(() => {
  home = path.join(root, `home${n++}`);
  mkdirSync(path.join(home, '.clave'), { recursive: true });
  writeFileSync(path.join(home, HOOK_SCRIPT), hookScript(), { mode: 0o700 });
});

/** Runs the hook the way Claude does: the configured command through /bin/sh. */
function fire(event: string, stdin: string | Buffer, h = home) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const command = claveHooks()[event as (typeof HOOK_EVENTS)[number]]?.[0]?.hooks[0]?.command;
    const child = spawn('/bin/sh', ['-c', command ?? `"$HOME"/${HOOK_SCRIPT} ${event}`], {
      env: { HOME: h, PATH: process.env.PATH },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdin.on('error', () => {}); // a hook that stopped reading: seen below as lost lines
    child.stdin.end(stdin);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const spoolLines = (h = home) =>
  readFileSync(path.join(h, SPOOL_FILE), 'utf8').split('\n').slice(0, -1);

describe('the hook script', () => {
  it('is registered for every event Clave needs, with no matcher', () => {
    const hooks = claveHooks();
    expect(Object.keys(hooks)).toEqual([...HOOK_EVENTS]);
    for (const e of HOOK_EVENTS) {
      expect(hooks[e]).toEqual([
        { hooks: [{ type: 'command', command: `"$HOME"/.clave/hook.sh ${e}`, timeout: 10 }] },
      ]);
    }
  });

  it('appends one valid line per event, prints nothing, exits 0', async () => {
    const payload = {
      session_id: 'abc',
      hook_event_name: 'PreToolUse',
      tool_name: 'Edit',
      tool_input: { file_path: '/srv/project/a.php', new_string: 'x\ny "quoted" \\ ünïcødé 🎉' },
    };
    const before = Date.now();
    const r = await fire('PreToolUse', JSON.stringify(payload, null, 2));
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    const [line, ...rest] = spoolLines();
    expect(rest).toEqual([]);
    const parsed = JSON.parse(line!);
    expect(parsed.hook).toBe('PreToolUse');
    expect(parsed.data).toEqual(payload);
    expect(parsed.ts).toBeGreaterThanOrEqual(before - 1000);
    expect(parsed.ts).toBeLessThanOrEqual(Date.now() + 1000);
    expect(parseSpoolLine(line!)?.data.tool_name).toBe('Edit');
    expect(statSync(path.join(home, SPOOL_FILE)).mode & 0o777).toBe(0o600);
  });

  it('writes null for an empty payload, and null with truncated for one over the bound', async () => {
    await fire('Stop', '');
    const huge = JSON.stringify({ tool_response: 'x'.repeat(MAX_PAYLOAD_BYTES * 3) });
    expect((await fire('PostToolUse', huge)).code).toBe(0);
    const exact = JSON.stringify({ message: 'y'.repeat(MAX_PAYLOAD_BYTES - 20) });
    await fire('Notification', exact);
    // The bound is in bytes: 80 000 bytes in 40 000 characters are over it.
    await fire('Stop', JSON.stringify({ last_assistant_message: 'ü'.repeat(40_000) }));
    const lines = spoolLines().map((l) => JSON.parse(l));
    expect(lines[3]).toMatchObject({ hook: 'Stop', data: null, truncated: true });
    expect(lines[0]).toMatchObject({ hook: 'Stop', data: null });
    expect(lines[1]).toMatchObject({ hook: 'PostToolUse', data: null, truncated: true });
    expect(lines[2].data.message).toHaveLength(MAX_PAYLOAD_BYTES - 20);
    expect(lines[2].truncated).toBeUndefined();
  });

  it('ignores an event name that would break the line, and still exits 0', async () => {
    const r = await fire('Stop","x":"1', '{}');
    expect(r.code).toBe(0);
    expect(() => spoolLines()).toThrow(); // nothing written at all
  });

  it('re-creates the spool, and its folder, when the agent deleted them', async () => {
    await fire('Stop', '{}');
    rmSync(path.join(home, SPOOL_FILE));
    await fire('SessionEnd', '{"reason":"other"}');
    expect(spoolLines().map((l) => JSON.parse(l).data)).toEqual([{ reason: 'other' }]);
    // A HOME with no .clave folder at all (the script run from elsewhere).
    const fresh = path.join(root, `fresh${n++}`);
    mkdirSync(fresh);
    const c = spawn('/bin/sh', ['-c', `${path.join(home, HOOK_SCRIPT)} SessionEnd`], {
      env: { HOME: fresh, PATH: process.env.PATH },
    });
    c.stdin.end('{"reason":"logout"}');
    expect(await new Promise((resolve) => c.on('close', resolve))).toBe(0);
    expect(spoolLines(fresh).map((l) => JSON.parse(l).data)).toEqual([{ reason: 'logout' }]);
  });

  it('never interleaves lines of 20 parallel hooks', async () => {
    const big = (i: number) => JSON.stringify({ i, pad: String(i % 10).repeat(30_000) });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => fire('PostToolUse', big(i))),
    );
    expect(results.every((r) => r.code === 0 && r.stdout === '')).toBe(true);
    const lines = spoolLines();
    expect(lines).toHaveLength(20);
    const seen = lines.map((l) => {
      const e = parseSpoolLine(l);
      expect(e).not.toBeNull();
      const d = JSON.parse(l).data as { i: number; pad: string };
      expect(d.pad).toBe(String(d.i % 10).repeat(30_000));
      return d.i;
    });
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});
