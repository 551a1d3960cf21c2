// tart's JSON output, parsed and validated.
import { z } from 'zod';
import { firstLine, tail } from '../errors';
import { TartError } from './errors';
import type { VmDetails, VmListEntry } from './options';

export const StateSchema = z.enum(['running', 'suspended', 'stopped']);

export const ListEntrySchema = z.object({
  Source: z.string(),
  Name: z.string(),
  Disk: z.number(),
  Size: z.union([z.number(), z.string()]),
  Accessed: z.string().optional(),
  Running: z.boolean(),
  State: StateSchema.optional(),
});

export function parseList(stdout: string): VmListEntry[] {
  const json = parseJson(stdout, 'tart list');
  const r = z.array(ListEntrySchema).safeParse(json);
  if (!r.success) throw badOutput('tart list', stdout);
  return r.data.map((e) => ({
    name: e.Name,
    source: e.Source === 'local' ? 'local' : 'OCI',
    diskGb: e.Disk,
    sizeGb: Number(e.Size),
    accessed: e.Accessed,
    running: e.Running,
    state: e.State ?? (e.Running ? 'running' : 'stopped'),
  }));
}

export const GetSchema = z.object({
  OS: z.string(),
  CPU: z.number(),
  Memory: z.number(),
  Disk: z.number(),
  DiskFormat: z.string().optional(),
  Size: z.union([z.string(), z.number()]),
  Display: z.string(),
  Running: z.boolean(),
  State: StateSchema.optional(),
});

export function parseGet(stdout: string): VmDetails {
  const r = GetSchema.safeParse(parseJson(stdout, 'tart get'));
  if (!r.success) throw badOutput('tart get', stdout);
  const g = r.data;
  return {
    os: g.OS,
    cpu: g.CPU,
    memoryMb: g.Memory,
    diskGb: g.Disk,
    diskFormat: g.DiskFormat,
    size: String(g.Size),
    display: g.Display,
    running: g.Running,
    state: g.State ?? (g.Running ? 'running' : 'stopped'),
  };
}

export function parseJson(stdout: string, command: string): unknown {
  try {
    return JSON.parse(stdout);
  } catch {
    throw badOutput(command, stdout);
  }
}

export function badOutput(command: string, stdout: string): TartError {
  return new TartError({
    code: 'tart.bad-output',
    what: `Could not understand \`${command}\``,
    why: `Its output is not what this version of Clave expects: ${firstLine(stdout) || '(empty)'}`,
    fix: 'Update Tart and Clave to their current versions.',
    detail: tail(stdout),
  });
}

export function parse<T extends z.ZodType>(schema: T, value: unknown, label: string): z.output<T> {
  const r = schema.safeParse(value);
  if (!r.success) {
    throw new TartError({
      code: 'tart.invalid-input',
      what: `Invalid ${label}`,
      why: `${JSON.stringify(value)}: ${r.error.issues.map((i) => i.message).join('; ')}`,
      fix: 'This is a bug in the caller; report it.',
    });
  }
  return r.data;
}
