import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readUserClaude } from './user-claude';

const root = mkdtempSync(path.join(tmpdir(), 'clave-user-claude-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const ALL = { carryClaudeMd: true, carrySettings: true, mcpTunnels: true };
const PROJECT = '/Users/ana/Code/shop';
let n = 0;

/** A Mac HOME holding the given files (relative path → content). */
function home(files: Record<string, string>): string {
  const dir = path.join(root, `h${++n}`);
  for (const [rel, body] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), body);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

const full = () =>
  home({
    '.claude/CLAUDE.md': '# Always answer in haiku\n',
    '.claude/settings.json': JSON.stringify({ model: 'opus', hooks: { Stop: [] } }),
    '.claude.json': JSON.stringify({
      mcpServers: {
        docs: { type: 'http', url: 'http://localhost:3845/mcp' },
        fs: { command: 'mcp-fs' },
      },
    }),
  });

describe("reading the Mac's Claude setup", () => {
  it('reads CLAUDE.md, the allowed settings and the localhost MCP servers', async () => {
    const r = await readUserClaude(full(), PROJECT, ALL);
    expect(r.claudeMd).toBe('# Always answer in haiku\n');
    expect(r.settings).toEqual({ model: 'opus' });
    expect(r.mcp.carried.map((s) => s.name)).toEqual(['docs']);
    expect(r.warnings.map((w) => w.what)).toEqual(['MCP servers not carried into the VM: fs']);
  });

  it('a HOME without any of the files carries nothing and warns of nothing', async () => {
    expect(await readUserClaude(home({}), PROJECT, ALL)).toEqual({
      claudeMd: null,
      settings: {},
      mcp: { carried: [], skipped: [] },
      warnings: [],
    });
  });

  it('each part stays on the Mac when .clave.json turns it off', async () => {
    const h = full();
    const off = await readUserClaude(h, PROJECT, {
      carryClaudeMd: false,
      carrySettings: false,
      mcpTunnels: false,
    });
    expect(off).toEqual({
      claudeMd: null,
      settings: {},
      mcp: { carried: [], skipped: [] },
      warnings: [],
    });
    const onlyMd = await readUserClaude(h, PROJECT, {
      ...ALL,
      carrySettings: false,
      mcpTunnels: false,
    });
    expect([onlyMd.claudeMd !== null, onlyMd.settings, onlyMd.mcp.carried]).toEqual([true, {}, []]);
  });

  it('malformed, unreadable or oversized files are warnings naming the file and the switch', async () => {
    const h = home({
      '.claude/settings.json': '{"model": "opus",',
      // V8's message would quote this text ("tok-secret…" is not valid JSON).
      '.claude.json': 'tok-secret in a broken file',
      '.claude/CLAUDE.md/inside': 'a folder where the file should be',
    });
    const r = await readUserClaude(h, PROJECT, ALL);
    expect([r.claudeMd, r.settings, r.mcp.carried]).toEqual([null, {}, []]);
    expect(r.warnings).toHaveLength(3);
    const [md, settings, state] = r.warnings;
    expect(md!.what).toBe(`${h}/.claude/CLAUDE.md was not carried into the VM`);
    expect(md!.fix).toMatch(/"claude": \{"carryClaudeMd": false\} in \.clave\.json/);
    expect(settings!.why).toMatch(/not valid JSON/);
    expect(settings!.fix).toMatch(/Correct the JSON in .*settings\.json.*"carrySettings": false/);
    expect(state!.what).toBe(`${h}/.claude.json was not carried into the VM`);
    expect(state!.fix).toMatch(/"mcpTunnels": false/);
    expect(state!.why).toBe('It is not valid JSON.');
    expect(settings!.why).toMatch(/^It is not valid JSON \(at character \d+\)\.$/);
    expect(JSON.stringify(r.warnings)).not.toMatch(/tok-secret/);

    const big = await readUserClaude(
      home({ '.claude/CLAUDE.md': 'x'.repeat(256 * 1024 + 1) }),
      PROJECT,
      ALL,
    );
    expect(big.claudeMd).toBeNull();
    expect(big.warnings[0]!.why).toMatch(/262145 bytes; at most 262144/);
  });
});
