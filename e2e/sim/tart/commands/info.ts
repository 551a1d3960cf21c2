// `tart get <name> [--format]` and `tart list [--source] [--format] [-q]` (Get.swift, List.swift,
// Formatter/Format.swift in 2.35: numbers in JSON, a plain text table without the Running column).
import { ValidationError, enumOf, type CommandDef, type Parsed } from '../cli';
import { listCached } from '../oci';
import type { TartHome, VMDir } from '../store';
import { swiftJson } from '../../util/swift-json';
import { displayString } from '../vmconfig';

const FORMATS = ['text', 'json'] as const;
const formatOption = {
  kind: 'option' as const,
  key: 'format',
  long: 'format',
  help: 'Output format: text or json',
  parse: enumOf(FORMATS),
  allValues: FORMATS,
};

export const getDef: CommandDef = {
  name: 'get',
  abstract: "Get a VM's configuration",
  defs: [{ kind: 'positional', key: 'name', valueName: 'name', help: 'VM name.' }, formatOption],
};

export const listDef: CommandDef = {
  name: 'list',
  abstract: 'List created VMs',
  defs: [
    {
      kind: 'option',
      key: 'source',
      long: 'source',
      help: 'Only display VMs from the specified source (e.g. --source local, --source oci).',
    },
    formatOption,
    { kind: 'flag', key: 'quiet', long: 'quiet', short: 'q', help: 'Only display VM names.' },
  ],
};

/** TextTable with Style.plain: columns padded to their widest cell, one space apart. */
export function textTable(rows: Array<Record<string, unknown>>): string {
  if (rows.length === 0) return '';
  const cols = Object.keys(rows[0] ?? {}).filter((c) => c !== 'Running');
  const cells = [cols, ...rows.map((r) => cols.map((c) => String(r[c])))];
  const widths = cols.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells
    .map((r) => r.map((v, i) => (i === r.length - 1 ? v : v.padEnd(widths[i] ?? 0))).join(' '))
    .join('\n')
    .trim();
}

function relative(d: Date): string {
  const s = Math.round((Date.now() - d.getTime()) / 1000);
  const units: Array<[number, string]> = [
    [86400 * 365, 'year'],
    [86400 * 30, 'month'],
    [86400 * 7, 'week'],
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
    [1, 'second'],
  ];
  if (s <= 0) return 'in 0 seconds';
  for (const [n, u] of units) {
    if (s >= n) {
      const v = Math.floor(s / n);
      return `${v} ${u}${v === 1 ? '' : 's'} ago`;
    }
  }
  return 'in 0 seconds';
}

function iso(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export async function getCommand(home: TartHome, a: Parsed): Promise<void> {
  const vm = home.openLocal(a.name as string);
  const c = vm.config();
  const info = {
    OS: c.os,
    CPU: c.cpuCount,
    Memory: Math.floor(c.memorySize / 1024 / 1024),
    Disk: Math.floor(vm.sizeBytes() / 1000 ** 3),
    DiskFormat: c.diskFormat,
    Size: (vm.allocatedSizeBytes() / 1000 ** 3).toFixed(3),
    Display: displayString(c.display),
    Running: vm.running(),
    State: vm.state(),
  };
  process.stdout.write((a.format === 'json' ? swiftJson(info) : textTable([info])) + '\n');
}

function entry(source: 'local' | 'OCI', name: string, d: VMDir, json: boolean) {
  return {
    Source: source,
    Name: name,
    Disk: Math.floor(d.sizeBytes() / 1000 ** 3),
    Size: Math.floor(d.allocatedSizeBytes() / 1000 ** 3),
    Accessed: json ? iso(d.accessDate()) : relative(d.accessDate()),
    Running: d.running(),
    State: d.state(),
  };
}

export async function listCommand(home: TartHome, a: Parsed): Promise<void> {
  const source = a.source as string | undefined;
  if (source !== undefined && source !== 'local' && source !== 'oci') {
    throw new ValidationError(`'${source}' is not a valid <source>`);
  }
  const json = a.format === 'json';
  const byName = (x: { Name: string }, y: { Name: string }) =>
    x.Name < y.Name ? -1 : x.Name > y.Name ? 1 : 0;
  const infos = [];
  if (source === undefined || source === 'local') {
    infos.push(
      ...home
        .localVMs()
        .map((d) => entry('local', d.name, d, json))
        .sort(byName),
    );
  }
  if (source === undefined || source === 'oci') {
    infos.push(
      ...listCached(home)
        .map((c) => entry('OCI', c.name, c.dir, json))
        .sort(byName),
    );
  }
  if (a.quiet) {
    for (const i of infos) process.stdout.write(i.Name + '\n');
    return;
  }
  process.stdout.write((json ? swiftJson(infos) : textTable(infos)) + '\n');
}
