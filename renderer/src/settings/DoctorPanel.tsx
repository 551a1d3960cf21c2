// The doctor's checks: what each found, and for a problem the exact fix. Runs when shown.
import { useCallback, useEffect, useState } from 'react';
import type { ClaveApi, DoctorCheck, DoctorStatus } from '../../../shared/api';
import { problemOf } from '../store/problem';

const LABEL: Record<DoctorStatus, string> = {
  ok: 'OK',
  warn: 'Warning',
  fail: 'Failed',
  skip: 'Not applicable',
};
const ICON: Record<DoctorStatus, string> = { ok: '✓', warn: '!', fail: '✗', skip: '–' };

export function DoctorPanel({
  api,
  onResult,
}: {
  api: ClaveApi;
  onResult?(checks: DoctorCheck[]): void;
}) {
  const [checks, setChecks] = useState<DoctorCheck[] | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = useCallback(() => {
    setRunning(true);
    setError(null);
    api.call('doctor.run', {}).then(
      (c) => {
        setChecks(c);
        setRunning(false);
        onResult?.(c);
      },
      (e: unknown) => {
        setError(problemOf(e).what);
        setRunning(false);
      },
    );
  }, [api, onResult]);
  useEffect(run, [run]);

  const failed = checks?.filter((c) => c.status === 'fail').length ?? 0;
  return (
    <section className="doctor" aria-label="Doctor">
      <div className="doctor-header">
        <h2>Doctor</h2>
        <span className="dim" role="status">
          {running
            ? 'Checking…'
            : checks
              ? failed
                ? `${failed} problem${failed > 1 ? 's' : ''} to fix`
                : 'Nothing stops Clave here'
              : ''}
        </span>
        <button type="button" onClick={run} disabled={running}>
          Run again
        </button>
      </div>
      {error && (
        <p className="field-error" role="alert">
          The doctor could not run: {error}
        </p>
      )}
      <ul className="doctor-checks">
        {(checks ?? []).map((c) => (
          <li
            key={c.id}
            className={`doctor-check doctor-${c.status}`}
            data-check={c.id}
            aria-label={c.name}
          >
            <span className="doctor-icon" aria-hidden="true">
              {ICON[c.status]}
            </span>
            <div>
              <div className="doctor-name">
                {c.name} <span className="doctor-status">{LABEL[c.status]}</span>
              </div>
              <p className="doctor-detail">{c.detail}</p>
              {c.fix && c.status !== 'ok' && (
                <p className="doctor-fix">
                  <span className="problem-fix-label">What to do: </span>
                  {c.fix}
                </p>
              )}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
