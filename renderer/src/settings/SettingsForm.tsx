// Every setting, grouped as the schema groups them, each input with its description and, after a
// refused save, the host's message and fix right beside it. Saves only what changed.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ClaveApi, SettingsView } from '../../../shared/api';
import { settingsFields, type FieldError, type SettingsField } from '../../../shared/settings';
import { problemOf } from '../store/problem';
import {
  changedPatch,
  initialValues,
  keepEdits,
  type FormValues,
  type InputValue,
} from './form-state';

const FIELDS = settingsFields();
const GROUPS = [...new Set(FIELDS.map((f) => f.group))];
const inputId = (path: string) => `setting-${path.replace(/\./g, '-')}`;

export function SettingsForm({
  api,
  view,
  onSaved,
}: {
  api: ClaveApi;
  view: SettingsView;
  onSaved(v: SettingsView): void;
}) {
  const initial = useMemo(() => initialValues(FIELDS, view), [view]);
  const [values, setValues] = useState<FormValues>(initial);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [status, setStatus] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  // New settings (a save here or elsewhere) replace what the inputs show, except unsaved edits.
  const shown = useRef(initial);
  useEffect(() => {
    const before = shown.current;
    shown.current = initial;
    setValues((v) => keepEdits(before, initial, v));
  }, [initial]);
  // A refused save brings the first refused field into view (Save sits below the form).
  useEffect(() => {
    const first = errors.find((e) => FIELDS.some((f) => f.path === e.path));
    if (first) document.getElementById(inputId(first.path))?.focus();
  }, [errors]);

  const patch = changedPatch(FIELDS, initial, values);
  const dirty = Object.keys(patch).length > 0;
  const overrides = new Map(view.overrides.map((o) => [o.path, o.env]));
  const errorAt = (path: string) => errors.find((e) => e.path === path);
  const formErrors = errors.filter((e) => !FIELDS.some((f) => f.path === e.path));

  const set = (path: string, v: InputValue) => {
    setValues((old) => ({ ...old, [path]: v }));
    setStatus(null);
  };
  const save = async () => {
    setSaving(true);
    try {
      const r = await api.call('settings.update', { patch });
      if (r.ok) {
        // What was saved is what the inputs show now, as the host stored it (e.g. trimmed).
        shown.current = initialValues(FIELDS, r.view);
        setValues(shown.current);
        setErrors([]);
        setStatus('Saved. New sessions use these settings; running sessions keep theirs.');
        onSaved(r.view);
      } else {
        setErrors(r.errors);
        setStatus('Not saved: fix the fields marked below.');
      }
    } catch (e) {
      setErrors([]);
      setStatus(`Not saved: ${problemOf(e).what}`);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      className="settings-form"
      aria-label="Settings"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      {GROUPS.map((group) => (
        <fieldset key={group} className="settings-group">
          <legend>{group}</legend>
          {FIELDS.filter((f) => f.group === group).map((f) => (
            <Field
              key={f.path}
              field={f}
              value={values[f.path]!}
              error={errorAt(f.path)}
              override={overrides.get(f.path)}
              onChange={(v) => set(f.path, v)}
            />
          ))}
        </fieldset>
      ))}
      {formErrors.map((e) => (
        <p key={e.message} className="field-error" role="alert">
          {e.message} — {e.fix}
        </p>
      ))}
      <div className="settings-actions">
        <button type="submit" className="primary" disabled={!dirty || saving}>
          Save
        </button>
        <button
          type="button"
          disabled={!dirty || saving}
          onClick={() => {
            setValues(initial);
            setErrors([]);
            setStatus(null);
          }}
        >
          Revert
        </button>
        <span className="dim" role="status" aria-label="Save status">
          {status}
        </span>
      </div>
    </form>
  );
}

function Field({
  field: f,
  value,
  error,
  override,
  onChange,
}: {
  field: SettingsField;
  value: InputValue;
  error: FieldError | undefined;
  override: string | undefined;
  onChange(v: InputValue): void;
}) {
  const id = inputId(f.path);
  const describedBy = `${id}-help${error ? ` ${id}-error` : ''}`;
  const common = { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy };
  let input;
  if (f.kind === 'boolean') {
    input = (
      <input
        type="checkbox"
        {...common}
        checked={value === true}
        onChange={(e) => onChange(e.target.checked)}
      />
    );
  } else if (f.kind === 'enum') {
    input = (
      <select {...common} value={String(value)} onChange={(e) => onChange(e.target.value)}>
        {f.options!.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
    );
  } else {
    input = (
      <input
        type={f.secret ? 'password' : 'text'}
        inputMode={f.kind === 'integer' ? 'numeric' : undefined}
        spellCheck={false}
        autoComplete="off"
        placeholder={
          f.default !== undefined ? String(f.default) : f.optional ? 'not set' : undefined
        }
        {...common}
        value={String(value)}
        onChange={(e) => onChange(e.target.value)}
      />
    );
  }
  return (
    <div className={`settings-field${error ? ' has-error' : ''}`} data-setting={f.path}>
      <label htmlFor={id}>{f.title}</label>
      <div className="settings-input">
        {input}
        {error && (
          <p className="field-error" id={`${id}-error`} role="alert">
            {error.message}. {error.fix}
          </p>
        )}
        <p className="settings-help dim" id={`${id}-help`}>
          {f.description}
          {f.kind === 'integer' && f.min !== undefined && f.max !== undefined && f.max < 1e9
            ? ` (${f.min}–${f.max})`
            : ''}
          {override && ` ${override} is set in Clave’s environment and wins over this value.`}
        </p>
      </div>
    </div>
  );
}
