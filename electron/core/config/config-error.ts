// A config file (settings.json, a project's .clave.json) or variable a person must fix: what is
// wrong, why, and the exact fix, always naming the file and the field.
import type { z } from 'zod';

export class ConfigError extends Error {
  readonly what: string;
  readonly why: string;
  readonly fix: string;

  constructor(
    /** The file, or `$NAME` for an environment variable. */
    readonly file: string,
    init: { what: string; why: string; fix: string },
  ) {
    // The message is what the app's error dialog and a CLI without a host print: all three parts.
    super(`${init.what}\nWhy: ${init.why}\nFix: ${init.fix}`);
    this.name = 'ConfigError';
    this.what = init.what;
    this.why = init.why;
    this.fix = init.fix;
  }

  static notJson(file: string, parserMessage: string): ConfigError {
    return new ConfigError(file, {
      what: `${file} is not valid JSON`,
      why: parserMessage,
      fix: `Correct the JSON in ${file}, or delete the file to use the defaults.`,
    });
  }

  static notObject(file: string): ConfigError {
    return new ConfigError(file, {
      what: `${file} does not hold a JSON object`,
      why: 'Settings are one object of named fields, e.g. {"vm": {"cpus": 2}}.',
      fix: `Write an object into ${file}, or delete the file to use the defaults.`,
    });
  }

  /** Every invalid field, each with its own fix line. */
  static fromZod(file: string, error: z.ZodError): ConfigError {
    const issues = error.issues.map((i) => {
      const field = i.path.length ? i.path.join('.') : '(the whole file)';
      if (i.code === 'unrecognized_keys') {
        const keys = i.keys.map((k) => [...i.path, k].join('.'));
        return {
          field: keys.join(', '),
          why: `${keys.join(', ')}: no such setting`,
          fix: `Remove ${keys.join(', ')} from ${file} (a typo?).`,
        };
      }
      return {
        field,
        why: `${field}: ${i.message}`,
        fix: `Set ${field} in ${file} to a valid value (${i.message}), or remove it to use the default.`,
      };
    });
    return new ConfigError(file, {
      what: `${file}: invalid ${issues.map((i) => i.field).join(', ')}`,
      why: issues.map((i) => i.why).join('; '),
      fix: issues.map((i) => i.fix).join(' '),
    });
  }
}
