import { describe, expect, it } from 'vitest';
import { claudeJson } from './claude-config';
import { pickMcpServers, skippedWarning } from './mcp';

const PROJECT = '/Users/ana/Code/shop';

describe("MCP servers from the Mac's ~/.claude.json", () => {
  it('carries http/sse servers on localhost, 127.0.0.1 and [::1] with a port', () => {
    const r = pickMcpServers(
      {
        mcpServers: {
          docs: { type: 'http', url: 'http://localhost:3845/mcp' },
          logs: { type: 'sse', url: 'https://127.0.0.1:9000/sse', headers: { 'X-Team': 'a' } },
          six: { type: 'http', url: 'http://[::1]:7000/mcp' },
        },
      },
      PROJECT,
    );
    expect(r.skipped).toEqual([]);
    expect(r.carried).toEqual([
      {
        name: 'docs',
        port: 3845,
        macHost: 'localhost',
        guestHost: '127.0.0.1',
        config: { type: 'http', url: 'http://localhost:3845/mcp' },
      },
      {
        name: 'logs',
        port: 9000,
        macHost: '127.0.0.1',
        guestHost: '127.0.0.1',
        config: { type: 'sse', url: 'https://127.0.0.1:9000/sse', headers: { 'X-Team': 'a' } },
      },
      {
        name: 'six',
        port: 7000,
        macHost: '::1',
        guestHost: '::1',
        config: { type: 'http', url: 'http://[::1]:7000/mcp' },
      },
    ]);
  });

  it('skips stdio, remote, portless, privileged and helper-signed servers, each with why', () => {
    const r = pickMcpServers(
      {
        mcpServers: {
          fs: { command: '/opt/homebrew/bin/mcp-fs', args: [] },
          fs2: { type: 'stdio', command: 'npx', args: ['x'] },
          remote: { type: 'http', url: 'https://mcp.example.com/mcp' },
          lan: { type: 'http', url: 'http://192.168.1.5:3000/' },
          noport: { type: 'http', url: 'http://localhost/mcp' },
          tls: { type: 'sse', url: 'https://localhost/mcp' },
          low: { type: 'http', url: 'http://127.0.0.1:81/' },
          ws: { type: 'ws', url: 'ws://localhost:3000' },
          file: { type: 'http', url: 'ftp://localhost:3000/x' },
          bad: { type: 'http', url: 'not a url tok-1' },
          leaky: { type: 'http', url: 'https://u:tok-2@mcp.example.com/x?key=tok-3' },
          nourl: { type: 'http' },
          helper: { type: 'http', url: 'http://localhost:3001/', headersHelper: '~/bin/h' },
          headers: { type: 'http', url: 'http://localhost:3002/', headers: { A: 1 } },
          junk: 'x',
        },
      },
      PROJECT,
    );
    expect(r.carried).toEqual([]);
    const why = Object.fromEntries(r.skipped.map((s) => [s.name, s.why]));
    expect(why).toEqual({
      fs: expect.stringMatching(/stdio server runs a program on this Mac/),
      fs2: expect.stringMatching(/stdio/),
      remote: expect.stringMatching(/mcp\.example\.com is not this Mac's localhost/),
      lan: expect.stringMatching(/192\.168\.1\.5:3000 is not this Mac's localhost/),
      noport: expect.stringMatching(/no port/),
      tls: expect.stringMatching(/no port/),
      low: expect.stringMatching(/port 81 is privileged/),
      ws: expect.stringMatching(/type "ws" is not carried/),
      file: expect.stringMatching(/ftp: \(only http and https/),
      bad: expect.stringMatching(/url is not a valid URL/),
      leaky: expect.stringMatching(/mcp\.example\.com is not/),
      nourl: expect.stringMatching(/no url/),
      helper: expect.stringMatching(/headersHelper/),
      headers: expect.stringMatching(/headers are not an object of strings/),
      junk: expect.stringMatching(/not an object/),
    });
    const w = skippedWarning(r.skipped)!;
    expect(w.what).toMatch(/^MCP servers not carried into the VM: fs, fs2, remote/);
    expect(w.why).toMatch(/fs: a stdio server/);
    expect(w.fix).toMatch(/localhost/);
    // The warning goes on the session's record: no URL's token in it.
    expect(JSON.stringify(w)).not.toMatch(/tok-/);
    expect(skippedWarning([])).toBeNull();
  });

  it("takes the project's own servers too; they win over a user server of the same name", () => {
    const r = pickMcpServers(
      {
        mcpServers: { docs: { type: 'http', url: 'http://localhost:3000/' } },
        projects: {
          [PROJECT]: { mcpServers: { docs: { type: 'http', url: 'http://localhost:4000/' } } },
          '/Users/ana/Code/other': {
            mcpServers: { other: { type: 'http', url: 'http://localhost:5000/' } },
          },
        },
      },
      PROJECT,
    );
    expect(r.carried.map((s) => `${s.name}:${s.port}`)).toEqual(['docs:4000']);
  });

  it('one tunnel per port: a second server on the same port and host shares it, another host does not', () => {
    const r = pickMcpServers(
      {
        mcpServers: {
          a: { type: 'http', url: 'http://127.0.0.1:3000/a' },
          b: { type: 'sse', url: 'http://127.0.0.1:3000/b' },
          c: { type: 'http', url: 'http://[::1]:3000/c' },
        },
      },
      PROJECT,
    );
    expect(r.carried.map((s) => s.name)).toEqual(['a', 'b']);
    expect(r.skipped).toEqual([{ name: 'c', why: 'port 3000 is already tunnelled for a' }]);
  });

  it('anything that is not a config object carries nothing and throws nothing', () => {
    for (const raw of [null, 3, 'x', [], { mcpServers: [1, 2] }, { projects: 'x' }])
      expect(pickMcpServers(raw, PROJECT)).toEqual({ carried: [], skipped: [] });
  });

  it("the carried servers go into the VM's ~/.claude.json next to Clave's keys", () => {
    const j = JSON.parse(
      claudeJson({ kind: 'oauth-token', value: 't' }, 'dark', {
        docs: { type: 'http', url: 'http://localhost:3845/mcp' },
      }),
    );
    expect(j.mcpServers).toEqual({ docs: { type: 'http', url: 'http://localhost:3845/mcp' } });
    expect(j.hasCompletedOnboarding).toBe(true);
    expect(JSON.parse(claudeJson({ kind: 'oauth-token', value: 't' }))).not.toHaveProperty(
      'mcpServers',
    );
  });
});
