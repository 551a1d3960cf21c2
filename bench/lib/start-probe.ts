// "Ready to work" for a started session, as a person sees it: Claude's first output in its
// terminal (the tmux pane shows Claude's screen), the site answering through the tunnel, and the
// dependencies installed in the VM. Resolves with the time each became true.
import { StringDecoder } from 'node:string_decoder';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '../../electron/core/api/dispatch';
import type { HostRuntime } from '../../electron/core/compose';
import type { SessionSummary } from '../../shared/session';

/** The simulated Claude's (and Claude Code's) first screen once it runs. */
const CLAUDE_UP = /Welcome to Claude Code|^> ?$/m;

export interface Ready {
  claude: number;
  site: number;
  deps: number;
}

export async function whenReady(runtime: HostRuntime, s: SessionSummary): Promise<Ready> {
  const [claude, site, deps] = await Promise.all([
    claudeFirstScreen(runtime, s),
    siteAnswers(s),
    depsInstalled(runtime, s),
  ]);
  return { claude, site, deps };
}

async function claudeFirstScreen(runtime: HostRuntime, s: SessionSummary): Promise<number> {
  const deadline = performance.now() + 60_000;
  // tmux re-draws the pane on every attach: attach until the pane shows Claude's screen.
  for (;;) {
    const seen = await new Promise<boolean>((resolve, reject) => {
      let text = '';
      let id = '';
      const utf8 = new StringDecoder('utf8');
      const client: Client = {
        id: `bench-ready-${s.id}`,
        send: (event, payload) => {
          if (event === 'terminal.data') {
            const d = (payload as { data: Uint8Array }).data;
            text += utf8.write(d);
            runtime.host.terminals.ack(id, d.length);
            if (CLAUDE_UP.test(text)) {
              runtime.host.terminals.close(id);
              resolve(true);
            }
          }
          if (event === 'terminal.exit') resolve(false);
        },
        onClose: () => {},
      };
      runtime.host
        .openTerminal(client, { sessionId: s.id, kind: 'agent', cols: 120, rows: 40 })
        .then((t) => {
          id = t;
          setTimeout(() => runtime.host.terminals.close(t), 1000);
        }, reject);
    });
    if (seen) return performance.now();
    if (performance.now() > deadline) throw new Error(`Claude never showed its screen in ${s.id}`);
  }
}

async function siteAnswers(s: SessionSummary): Promise<number> {
  const deadline = performance.now() + 60_000;
  for (;;) {
    const status = await fetch(`http://127.0.0.1:${s.tunnelPort}/`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return performance.now();
    if (performance.now() > deadline) throw new Error(`the site of ${s.id} answers ${status}`);
    await sleep(50);
  }
}

async function depsInstalled(runtime: HostRuntime, s: SessionSummary): Promise<number> {
  const code = await new Promise<number | null>((resolve, reject) => {
    const client: Client = {
      id: `bench-deps-${s.id}`,
      send: (event, payload) => {
        if (event === 'terminal.exit') resolve((payload as { exitCode: number | null }).exitCode);
      },
      onClose: () => {},
    };
    runtime.host
      .openTerminal(client, {
        sessionId: s.id,
        kind: 'exec',
        command: ['test', '-f', 'vendor/autoload.php'],
        pty: false,
        cols: 80,
        rows: 24,
      })
      .catch(reject);
  });
  if (code !== 0) throw new Error(`no vendor/autoload.php in ${s.id}: dependencies not installed`);
  return performance.now();
}
