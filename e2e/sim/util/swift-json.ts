// JSON as Swift's JSONEncoder writes it with `.prettyPrinted` (what `tart get/list --format json`
// and Tart's config.json look like): two-space indent, `"key" : value` with a space before the
// colon, `/` escaped as `\/`, empty containers as `[\n\n]` / `{\n\n}`, keys in insertion order.

function str(s: string): string {
  return JSON.stringify(s).replace(/\//g, '\\/');
}

function render(value: unknown, depth: number): string {
  const pad = '  '.repeat(depth + 1);
  const end = '  '.repeat(depth);
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return str(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot encode ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[\n\n' + end + ']';
    return '[\n' + value.map((v) => pad + render(v, depth + 1)).join(',\n') + '\n' + end + ']';
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(
      ([, v]) => v !== undefined,
    );
    if (entries.length === 0) return '{\n\n' + end + '}';
    return (
      '{\n' +
      entries.map(([k, v]) => `${pad}${str(k)} : ${render(v, depth + 1)}`).join(',\n') +
      '\n' +
      end +
      '}'
    );
  }
  throw new Error(`cannot encode a ${typeof value}`);
}

export function swiftJson(value: unknown): string {
  return render(value, 0);
}
