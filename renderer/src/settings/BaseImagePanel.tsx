// The base image every session clones: build, rebuild or update it from the window, with the same
// provision.start the CLI and the tray use, its progress from provision.progress, and Cancel.
import { useCallback, useEffect, useState } from 'react';
import type { ClaveApi, ProvisionEvent } from '../../../shared/api';
import type { Problem } from '../../../shared/session';
import { ProblemBox } from '../components/ProblemBox';
import { problemOf } from '../store/problem';

type Mode = 'create' | 'force' | 'update';
type Run =
  | { state: 'idle' }
  | { state: 'running'; mode: Mode; message: string; fraction: number }
  | { state: 'done'; text: string }
  | { state: 'failed'; problem: Problem };

const PARAMS: Record<Mode, { force?: boolean; update?: boolean }> = {
  create: {},
  force: { force: true },
  update: { update: true },
};

export function BaseImagePanel({ api, onFinished }: { api: ClaveApi; onFinished?(): void }) {
  const [run, setRun] = useState<Run>({ state: 'idle' });
  useEffect(
    () =>
      api.on('provision.progress', (e: ProvisionEvent) =>
        setRun((r) => (r.state === 'running' ? { ...r, ...progressOf(e, r) } : r)),
      ),
    [api],
  );
  const start = useCallback(
    (mode: Mode) => {
      setRun({ state: 'running', mode, message: 'Starting…', fraction: 0 });
      api.call('provision.start', PARAMS[mode]).then(
        (r) => {
          setRun({
            state: 'done',
            text:
              r.outcome === 'exists'
                ? `${r.baseVm} already exists: nothing to do.`
                : `${r.baseVm} ${r.outcome} in ${r.seconds} s.`,
          });
          onFinished?.();
        },
        (e: unknown) => {
          setRun({ state: 'failed', problem: problemOf(e) });
          onFinished?.();
        },
      );
    },
    [api, onFinished],
  );
  const running = run.state === 'running';
  return (
    <section className="base-image" aria-label="Base image">
      <div className="doctor-header">
        <h2>Base image</h2>
        <button type="button" onClick={() => start('create')} disabled={running}>
          Build
        </button>
        <button type="button" onClick={() => start('update')} disabled={running}>
          Update
        </button>
        <button type="button" onClick={() => start('force')} disabled={running}>
          Rebuild
        </button>
        {running && (
          <button type="button" onClick={() => void api.call('provision.cancel', {})}>
            Cancel
          </button>
        )}
      </div>
      <p className="dim">
        The VM every session is cloned from. Build makes it when it is missing; Update upgrades its
        packages and Claude Code; Rebuild starts over. The current one stays until the new one is
        finished.
      </p>
      {run.state === 'running' && (
        <div role="status" aria-label="Provisioning progress">
          <progress max={1} value={run.fraction} /> {run.message}
        </div>
      )}
      {run.state === 'done' && <p role="status">{run.text}</p>}
      {run.state === 'failed' && <ProblemBox problem={run.problem} />}
    </section>
  );
}

function progressOf(e: ProvisionEvent, r: { message: string; fraction: number }) {
  switch (e.type) {
    case 'phase':
      return { message: e.message, fraction: e.fraction };
    case 'step':
      return { message: `${e.title} (${e.index}/${e.total})`, fraction: e.fraction };
    case 'cleanup':
      return { message: e.message, fraction: r.fraction };
    case 'output':
      return r;
  }
}
