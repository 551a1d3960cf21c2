// The live settings of a running host: read from settings.json (plus environment overrides) at
// start, changed through the API. A change is validated by the same schema as the file and written
// only when valid; sessions started afterwards use it, running ones keep the settings they began
// with (each session takes a snapshot when it starts).
import type { SettingsView, SettingsUpdateResult } from '../../../shared/api';
import { fieldErrors, mergeSettings, Settings, type SettingsPatch } from '../../../shared/settings';
import { writePrivateFileSync } from '../host/private-file';
import { activeOverrides, ConfigError, envOverrides, loadSettings, readJson } from './settings';

export class SettingsStore {
  private settings: Settings;
  private readonly listeners = new Set<(s: Settings) => void>();

  constructor(
    readonly file: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
    initial?: Settings,
  ) {
    this.settings = initial ?? loadSettings(file, env);
  }

  /** The settings a session started now gets. */
  current(): Settings {
    return this.settings;
  }

  /** Called after every successful update with the new effective settings. */
  onChange(listener: (s: Settings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  view(): SettingsView {
    return {
      file: this.file,
      settings: this.settings,
      fileValues: this.fileValues(),
      overrides: activeOverrides(this.env).map((o) => ({ env: o.env, path: o.path })),
    };
  }

  /** Applies a patch to settings.json (null removes a key); nothing is written when invalid. */
  update(patch: SettingsPatch): SettingsUpdateResult {
    const candidate = mergeSettings(this.fileValues(), patch, true);
    const checked = Settings.safeParse(candidate);
    if (!checked.success) return { ok: false, errors: fieldErrors(checked.error) };
    const effective = Settings.safeParse(mergeSettings(candidate, envOverrides(this.env)));
    if (!effective.success) return { ok: false, errors: fieldErrors(effective.error) };
    writePrivateFileSync(this.file, JSON.stringify(candidate, null, 2) + '\n');
    this.settings = effective.data;
    for (const l of this.listeners) l(this.settings);
    return { ok: true, view: this.view() };
  }

  private fileValues(): Record<string, unknown> {
    const raw = readJson(this.file);
    if (!raw || typeof raw !== 'object' || Array.isArray(raw))
      throw ConfigError.notObject(this.file);
    return raw as Record<string, unknown>;
  }
}
