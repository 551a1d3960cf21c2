// Symfony Console's default table (what Valet's table() helper prints).
export function consoleTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const sep = '+' + widths.map((w) => '-'.repeat(w + 2)).join('+') + '+';
  const line = (cells: string[]) =>
    '|' + cells.map((c, i) => ` ${c.padEnd(widths[i] ?? 0)} `).join('|') + '|';
  const out = [sep, line(headers), sep];
  if (rows.length) {
    out.push(...rows.map(line), sep);
  }
  return out.join('\n') + '\n';
}
