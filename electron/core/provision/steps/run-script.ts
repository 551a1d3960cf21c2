// Provision 7: run the script as root in the guest, streaming its output line by line; its marker
// lines become the progress's sections, and a failure names the section, the exit and the output.
import { tail } from '../../host/errors';
import { command } from '../../host/shell-quote';
import { ProvisionError } from '../errors';
import { LineSplitter } from '../lines';
import { parseMarker } from '../markers';
import { scriptSteps } from '../script';
import { GUEST_SCRIPT_DIR } from './boot';
import { SCRIPT_NAME } from './configure';
import { PHASE_START, type ProvisionStep } from './step';

export const runScript: ProvisionStep = {
  name: 'script',
  label: 'Run the provisioning script',
  describe: (ctx) =>
    `Running the provisioning script (${scriptSteps(ctx.spec, ctx.mode).length} sections)`,
  failed: () => 'The provisioning script could not run',
  async run(ctx) {
    const { scriptEnv } = ctx.o;
    const file = `${GUEST_SCRIPT_DIR}/${SCRIPT_NAME}`;
    const env = Object.entries(scriptEnv).map(([k, v]) => `${k}=${v}`);
    const cmd = command(['sudo', '-n', 'env', ...env, 'bash', file]);
    const names = Object.keys(scriptEnv);
    ctx.note(`Running ${file} as root${names.length ? ` (env: ${names.join(', ')})` : ''}`);
    let failed: { id: string; exitCode: number; line: number } | null = null;
    let completed = false;
    const onLine = (line: string) => {
      const marker = parseMarker(line);
      if (marker?.kind === 'step') {
        ctx.lastStep = { id: marker.id, title: marker.title };
        const span = PHASE_START.shutdown - PHASE_START.script;
        ctx.emit({
          type: 'step',
          index: marker.index,
          total: marker.total,
          id: marker.id,
          title: marker.title,
          fraction: PHASE_START.script + (span * (marker.index - 1)) / marker.total,
        });
      } else if (marker?.kind === 'fail') {
        failed = marker;
      } else if (marker?.kind === 'complete') {
        completed = true;
      }
      ctx.output('guest', line);
    };
    const out = new LineSplitter(onLine);
    const err = new LineSplitter(onLine);
    const result = await ctx.track(
      ctx.shell!.exec(cmd, {
        timeoutMs: ctx.o.timeouts.scriptSeconds * 1000,
        signal: ctx.signal,
        onStdout: (c) => out.push(c),
        onStderr: (c) => err.push(c),
      }),
    );
    out.end();
    err.end();
    if (result.code === 0 && completed) return;
    if (result.code === null && (await ctx.vmExitedMeanwhile())) ctx.checkAbort();
    const step = ctx.lastStep;
    const fm = failed as { id: string; exitCode: number; line: number } | null;
    const context = ctx.recentOutput
      .filter((l) => parseMarker(l) === null && l.trim() !== '')
      .slice(-1)[0];
    throw new ProvisionError({
      code: 'provision.script-failed',
      phase: 'script',
      step: fm?.id ?? step?.id,
      what: step ? `Provisioning failed at "${step.title}"` : 'The provisioning script failed',
      why:
        result.code === 0
          ? 'The script ended without reporting completion.'
          : `It exited with ${result.code ?? 'a signal'}${fm ? ` at line ${fm.line}` : ''}${context ? `: ${context.trim()}` : '.'}`,
      fix: `Read the log (${ctx.log.file}); a network hiccup is the usual cause — run the provision again. Nothing was changed: ${ctx.o.baseVm} is as it was.`,
      detail: tail(ctx.recentOutput.join('\n'), 4000),
      logFile: ctx.log.file,
    });
  },
};
