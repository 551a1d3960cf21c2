// The provision flow (the seed's ProvisionCommand): build the base VM that every session clones.
//
//   clone the OCI image (or, for --update, the base) to a temporary VM → set cpu/memory/MAC →
//   boot it with the script's folder attached → wait for an address, then ssh → mount the folder →
//   run the script, streaming its output → shut down → only then give it the base name.
//
// The steps (steps/*.ts) run on the sessions' pipeline runner; this file keeps what is the run's
// own: the lock, the log, turning failures into ProvisionErrors, and cleanup. The base name only
// ever points at a finished image: a failure or an interruption at any stage stops and deletes the
// temporary VM, and an existing base is swapped out only after its replacement is complete. A lock
// in the data dir keeps two provisions from racing; leftovers of a crashed run are cleaned up by
// the next one.
import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import type { PipelineEvent } from '../../../shared/session';
import { tail } from '../host/errors';
import { writeBaseRecord } from './record';
import { PipelineFailure, runPipeline } from '../session/pipeline';
import { settlesWithin } from '../host/retry';
import { ProvisionContext } from './context';
import {
  ProvisionError,
  invalidInput,
  messageOf,
  phaseError,
  withLogHint,
  type ProvisionErrorCode,
} from './errors';
import { hostDeps } from './host-binding';
import { acquireLock, type ProvisionLock } from './lock';
import {
  ProvisionOptions,
  type ProvisionHooks,
  type ProvisionOptionsInput,
  type ProvisionOutcome,
  type ProvisionPhase,
  type ProvisionResult,
} from './options';
import { ProvisionSpecError, parseSpec, type ProvisionSpec } from './spec';
import { boot } from './steps/boot';
import { clone, sourceOf } from './steps/clone';
import { configure } from './steps/configure';
import { connect } from './steps/connect';
import { finalize } from './steps/finalize';
import { mount } from './steps/mount';
import { prepare } from './steps/prepare';
import { runScript } from './steps/run-script';
import { shutdown } from './steps/shutdown';
import { PHASE_START, type ProvisionStep } from './steps/step';

export { ProvisionError, type ProvisionErrorCode };
export {
  DEFAULT_BASE_VM,
  DEFAULT_IMAGE,
  ProvisionOptions,
  type ProvisionEvent,
  type ProvisionHooks,
  type ProvisionOptionsInput,
  type ProvisionOutcome,
  type ProvisionPhase,
  type ProvisionResult,
} from './options';

/** The temporary VM's life, interruptible at every step. */
const buildSteps: readonly ProvisionStep[] = [
  clone,
  configure,
  boot,
  connect,
  mount,
  runScript,
  shutdown,
];
const byName = new Map<string, ProvisionStep>(
  [prepare, ...buildSteps, finalize].map((s) => [s.name, s]),
);

/**
 * Build (or rebuild, or update) the base VM. Resolves with what was done; rejects with a
 * ProvisionError naming the phase, what to do, and the log file.
 */
export async function provision(
  options: ProvisionOptionsInput,
  hooks: ProvisionHooks = {},
): Promise<ProvisionResult> {
  const parsed = ProvisionOptions.safeParse(options);
  if (!parsed.success) {
    throw invalidInput(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`),
    );
  }
  let spec: ProvisionSpec;
  try {
    spec = parseSpec(parsed.data.spec ?? {});
  } catch (error) {
    if (error instanceof ProvisionSpecError) throw invalidInput(error.issues);
    throw error;
  }
  const logDir = parsed.data.logDir ?? path.join(parsed.data.dataDir, 'logs');
  const deps = hooks.deps ?? hostDeps({ vmLogDir: path.join(logDir, 'vms') });
  return execute(new ProvisionContext(parsed.data, spec, deps, hooks), logDir);
}

async function execute(ctx: ProvisionContext, logDir: string): Promise<ProvisionResult> {
  const { o } = ctx;
  let phase: ProvisionPhase = 'prepare';
  let lock: ProvisionLock | null = null;
  // Each step is a phase of the progress: its start is announced in the log and to the listener.
  const onPipeline = (event: PipelineEvent) => {
    if (event.type !== 'step-started') return;
    const step = byName.get(event.step)!;
    phase = step.name;
    const message = step.describe(ctx);
    ctx.note(`== ${phase}: ${message}`);
    ctx.emit({ type: 'phase', phase, message, fraction: PHASE_START[phase] });
  };
  try {
    ctx.checkAbort();
    await ctx.log.open(logDir, ctx.runId);
    ctx.note(
      `clave provision: base ${o.baseVm}, image ${o.image}, ${o.force ? 'force' : o.update ? 'update' : 'create'}, ${o.cpus} CPUs, ${o.memoryMb} MB`,
    );
    ctx.note(`spec: ${JSON.stringify(ctx.spec)}`);
    lock = await acquireLock(o.dataDir, ctx.runId, (m) => ctx.note(m), ctx.log.file);

    await runPipeline('provision', [prepare], ctx, onPipeline, ctx.signal);
    if (ctx.baseExisted && !o.force && !o.update) {
      ctx.note(`${o.baseVm} already exists; nothing to do (use --force to rebuild).`);
      return result(ctx, 'exists');
    }
    ctx.tempVm = `${o.baseVm}-tmp-${ctx.runId}`; // from here on, failure means: delete it
    await runPipeline('provision', buildSteps, ctx, onPipeline, ctx.signal);
    await runPipeline('provision', [finalize], ctx, onPipeline);
    ctx.note(`Done: ${o.baseVm} is ready.`);
    const done = result(ctx, o.update ? 'updated' : ctx.baseExisted ? 'rebuilt' : 'created');
    // Whatever face provisioned, the doctor learns when and from what without booting the base.
    await writeBaseRecord(o.dataDir, o.baseVm, {
      image: done.source,
      specHash: done.specHash,
      provisionedAt: new Date().toISOString(),
    });
    return done;
  } catch (thrown) {
    const error = thrown instanceof PipelineFailure ? thrown.cause : thrown;
    // A dropped ssh connection usually means the VM died: give its exit a moment to arrive,
    // so the error says so instead of "disconnected".
    if ((error as { code?: unknown }).code === 'ssh.disconnected') await ctx.vmExitedMeanwhile();
    const failure = withLogHint(toProvisionError(ctx, phase, error));
    ctx.note(`FAILED (${failure.phase}): ${failure.what}: ${failure.why}`);
    await cleanup(ctx);
    throw failure;
  } finally {
    await lock?.release();
    if (ctx.scriptDir) await rm(ctx.scriptDir, { recursive: true, force: true });
    await ctx.log.close();
  }
}

function result(ctx: ProvisionContext, outcome: ProvisionOutcome): ProvisionResult {
  return {
    outcome,
    baseVm: ctx.o.baseVm,
    source: outcome === 'exists' ? ctx.o.image : sourceOf(ctx),
    logFile: outcome === 'exists' ? null : ctx.log.file,
    specHash: ctx.hash,
    seconds: Math.round((Date.now() - ctx.started) / 1000),
  };
}

function toProvisionError(
  ctx: ProvisionContext,
  phase: ProvisionPhase,
  error: unknown,
): ProvisionError {
  const logFile = ctx.log.file;
  if (ctx.interrupted) {
    return new ProvisionError({
      code: 'provision.aborted',
      phase,
      what: 'Provisioning was interrupted',
      why: `It was stopped during ${phase}.`,
      fix: `Nothing to undo: the temporary VM is removed and ${ctx.o.baseVm} is as it was. Run the provision again when ready.`,
      logFile,
      cause: error,
    });
  }
  const stopped = ctx.vmStopped;
  if (stopped) {
    return new ProvisionError({
      code: 'provision.vm-stopped',
      phase,
      what: `The temporary VM stopped during ${phase}`,
      why: `${stopped.message.replace(/\.$/, '')}.${ctx.lastStep && phase === 'script' ? ` It was at "${ctx.lastStep.title}".` : ''}`,
      fix: `See the VM log (${ctx.vm?.logFile ?? 'next to the provision log'}); then run the provision again.`,
      detail: tail(ctx.recentOutput.join('\n'), 4000),
      logFile,
      cause: error,
    });
  }
  if (error instanceof ProvisionError) return error;
  return phaseError(phase, byName.get(phase)!.failed(ctx), error, logFile);
}

/** Failure or interruption: stop and delete the temporary VM. Never throws. */
async function cleanup(ctx: ProvisionContext): Promise<void> {
  const temp = ctx.tempVm;
  if (ctx.shell) {
    await ctx.shell.close().catch(() => {});
    ctx.shell = null;
  }
  // An adapter call still running (e.g. a clone that ignores the abort) must finish first,
  // or it could create the VM after we deleted it.
  await settlesWithin(ctx.inflight, 30_000);
  if (temp === null) return;
  ctx.emit({ type: 'cleanup', message: `Removing the temporary VM ${temp}` });
  ctx.note(`Cleaning up: stopping and deleting ${temp}`);
  ctx.stopping = true;
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      // Stop unconditionally: a `start` that finished after an abort left a VM we hold no handle to.
      await ctx.deps.vms.stop(temp, 30);
      if (ctx.vm !== null) await settlesWithin(ctx.vm.exited, 30_000);
      await ctx.deps.vms.delete(temp);
      ctx.tempVm = null;
      ctx.note(`Deleted ${temp}`);
      return;
    } catch (error) {
      ctx.note(`Cleanup attempt ${attempt} failed: ${messageOf(error)}`);
      await sleep(1000);
    }
  }
  ctx.note(`Could not delete ${temp}; the next provision removes it (or: tart delete ${temp}).`);
}
