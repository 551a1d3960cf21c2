// The settings form's values as the inputs hold them (text, or a checkbox's boolean), and the
// patch a save sends: only the fields the person changed, typed as the schema wants them. What
// the schema refuses is the host's to say; nothing is second-guessed here.
import type { SettingsView } from '../../../shared/api';
import {
  mergeSettings,
  patchFor,
  valueAt,
  type SettingsField,
  type SettingsPatch,
} from '../../../shared/settings';

export type InputValue = string | boolean;
export type FormValues = Record<string, InputValue>;

/** What an input shows: the effective value, or for an environment-decided field, the file's. */
export function initialValues(fields: SettingsField[], view: SettingsView): FormValues {
  const overridden = new Set(view.overrides.map((o) => o.path));
  const out: FormValues = {};
  for (const f of fields) {
    const v = overridden.has(f.path)
      ? (valueAt(view.fileValues, f.path) ?? f.default)
      : valueAt(view.settings, f.path);
    out[f.path] = f.kind === 'boolean' ? v === true : v === undefined ? '' : String(v);
  }
  return out;
}

/** The value to store: numbers as numbers (anything else as typed, for the schema to refuse), empty as "back to the default". */
export function storedValue(f: SettingsField, input: InputValue): unknown {
  if (typeof input === 'boolean') return input;
  const text = f.secret ? input : input.trim();
  if (text === '' && (f.optional || f.default !== undefined) && !f.secret) return null;
  if (f.kind === 'integer' && /^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}

export function changedPatch(
  fields: SettingsField[],
  initial: FormValues,
  current: FormValues,
): SettingsPatch {
  let patch: SettingsPatch = {};
  for (const f of fields) {
    if (current[f.path] === initial[f.path]) continue;
    patch = mergeSettings(patch, patchFor(f.path, storedValue(f, current[f.path]!)));
  }
  return patch;
}

/** The inputs for `next` settings, keeping what the person changed from `before` and not saved. */
export function keepEdits(before: FormValues, next: FormValues, current: FormValues): FormValues {
  const out = { ...next };
  for (const [path, v] of Object.entries(current)) if (v !== before[path]) out[path] = v;
  return out;
}
