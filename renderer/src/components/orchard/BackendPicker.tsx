// This Mac or Orchard for the next session (shown once an Orchard controller is configured).
import type { SessionBackend } from '../../../../shared/session';
import type { BackendChoice } from '../../store/backend-choice';
import { BACKEND_WORDS } from './words';
import './orchard.css';

const HINTS: Record<SessionBackend, string> = {
  tart: 'A VM on this Mac, sharing the session copy',
  orchard: 'A VM on an Orchard worker; the code travels by git and syncs after every agent turn',
};

export function BackendPicker({ choice }: { choice: BackendChoice }) {
  return (
    <fieldset
      className="backend-choice"
      title={
        choice.picked ? undefined : 'From the settings; a project’s .clave.json may choose instead'
      }
    >
      <legend>Run on</legend>
      {(['tart', 'orchard'] as const).map((b) => (
        <label key={b} title={HINTS[b]}>
          <input
            type="radio"
            name="backend"
            value={b}
            checked={choice.shown === b}
            onChange={() => choice.pick(b)}
          />{' '}
          {BACKEND_WORDS[b]}
        </label>
      ))}
    </fieldset>
  );
}
