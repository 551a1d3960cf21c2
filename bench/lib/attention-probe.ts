// `npm run bench`, part 3: the agent's voice. On a running session of the simulated host:
//   a. hook fired in the VM → session.updated at a face (latency by the hook's own timestamp:
//      the sim's VMs share the host's clock), p50/p99;
//   b. what one hook call costs inside the VM;
//   c. the host's memory while it follows a 100k-line spool, and how long it takes.
import type { Client } from '../../electron/core/api/dispatch';
import type { HostRuntime } from '../../electron/core/compose';
import { connectSsh } from '../../electron/core/host/ssh';
import { HOOK_SCRIPT, SPOOL_FILE } from '../../electron/core/session/attention/hook-script';
import type { SessionSummary } from '../../shared/session';
import type { Row } from './figure';
import { percentile } from './stats';

const TURNS = 30; // two state changes each: 60 events
const HOOK_CALLS = 100;
const SPOOL_LINES = 100_000;

export async function benchAttention(runtime: HostRuntime, s: SessionSummary): Promise<Row[]> {
  const ssh = await connectSsh({ host: s.vmIp!, password: 'admin', deadlineMs: 30_000 });
  const rows: Row[] = [];
  try {
    // a. Latency: each hook call below is a change of state (working ↔ idle).
    const latencies: number[] = [];
    const face: Client = {
      id: 'bench-attention',
      send: (event, payload) => {
        const u = payload as SessionSummary;
        if (event !== 'session.updated' || u.id !== s.id || !u.agent) return;
        if (u.agent.state === 'working' || u.agent.state === 'idle')
          latencies.push(Date.now() - Date.parse(u.agent.since));
      },
      onClose: () => {},
    };
    const off = runtime.clients.add(face);
    const hook = `"$HOME"/${HOOK_SCRIPT}`;
    await ssh.run(
      `for i in $(seq ${TURNS}); do echo '{"prompt":"x"}' | ${hook} UserPromptSubmit; sleep 0.05; ` +
        `echo '{"last_assistant_message":"done"}' | ${hook} Stop; sleep 0.05; done`,
      'fire hooks',
      { timeoutMs: 120_000 },
    );
    for (let i = 0; i < 50 && latencies.length < TURNS * 2; i++)
      await new Promise((r) => setTimeout(r, 100));
    off();
    rows.push({
      figure: 'attention: hook → face, p99',
      unit: 'ms',
      ours: percentile(latencies, 99),
      target: { on: 'value', op: '<=', limit: 300 },
      note: `${latencies.length} events, p50 ${percentile(latencies, 50)} ms`,
      samples: { latencies },
    });

    // b. One hook call, with a 2 KiB PostToolUse payload, as Claude runs it (through sh).
    const payload = JSON.stringify({
      hook_event_name: 'PostToolUse',
      tool_name: 'Edit',
      tool_input: { file_path: '/srv/project/app/Models/User.php', new_string: 'x'.repeat(2000) },
    });
    const r = await ssh.run(
      `printf %s '${payload}' > /tmp/p.json; s=$(date +%s%N); for i in $(seq ${HOOK_CALLS}); do ` +
        `sh -c '${hook} PostToolUse' < /tmp/p.json; done; e=$(date +%s%N); echo $(( (e - s) / ${HOOK_CALLS} / 1000 ))`,
      'time the hook',
      { timeoutMs: 120_000 },
    );
    rows.push({
      figure: 'attention: one hook call in the VM',
      unit: 'ms',
      ours: Number(r.stdout.trim()) / 1000,
      target: { on: 'value', op: '<=', limit: 20 },
      note: `mean of ${HOOK_CALLS} calls through sh, 2 KiB PostToolUse payload`,
    });

    // c. A 100k-line spool appended at once; the host follows it to the end.
    const before = runtime.host.spoolCounters(s.id)!.events;
    const baseRss = process.memoryUsage().rss;
    let peakRss = baseRss;
    let peakHeap = process.memoryUsage().heapUsed;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }, 50);
    const t0 = Date.now();
    await ssh.run(
      `awk 'BEGIN { for (i = 0; i < ${SPOOL_LINES}; i++) printf "{\\"ts\\":%d,\\"hook\\":\\"PostToolUse\\",\\"data\\":{\\"tool_name\\":\\"Edit\\",\\"cwd\\":\\"/srv/project\\",\\"tool_input\\":{\\"file_path\\":\\"/srv/project/app/f%d.php\\"}}}\\n", 1700000000000 + i, i }' >> "$HOME"/${SPOOL_FILE}`,
      'write the spool',
      { timeoutMs: 120_000 },
    );
    const deadline = Date.now() + 300_000;
    while (runtime.host.spoolCounters(s.id)!.events - before < SPOOL_LINES && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    clearInterval(sampler);
    const followed = runtime.host.spoolCounters(s.id)!.events - before;
    const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;
    rows.push({
      figure: `attention: ${SPOOL_LINES / 1000}k-line spool, host RSS growth`,
      unit: 'MiB',
      ours: (peakRss - baseRss) / 1024 / 1024,
      note:
        `${followed} events in ${((Date.now() - t0) / 1000).toFixed(1)} s; RSS ${mb(baseRss)} → ` +
        `peak ${mb(peakRss)}, heap peak ${mb(peakHeap)}`,
    });
  } finally {
    await ssh.close();
  }
  return rows;
}
