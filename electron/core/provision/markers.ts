// The provisioning script announces itself with marker lines on stdout, one per event, so the
// host can show progress without understanding apt's or npm's output. The format is plain text
// that survives any transport (ssh, a log file, a terminal):
//
//   ::clave::step 3/14 php Installing PHP 8.4 and extensions
//   ::clave::ok php 42s
//   ::clave::fail php exit=100 line=87
//   ::clave::complete 311s
//
// Ids are [a-z0-9-]; titles are free text to the end of the line.

export const MARKER_PREFIX = '::clave::';

export type Marker =
  | { kind: 'step'; index: number; total: number; id: string; title: string }
  | { kind: 'ok'; id: string; seconds: number }
  | { kind: 'fail'; id: string; exitCode: number; line: number }
  | { kind: 'complete'; seconds: number };

const STEP = /^step (\d+)\/(\d+) ([a-z0-9-]+) (.+)$/;
const OK = /^ok ([a-z0-9-]+) (\d+)s$/;
const FAIL = /^fail ([a-z0-9-]+) exit=(\d+) line=(\d+)$/;
const COMPLETE = /^complete (\d+)s$/;

/** The marker a line carries, or null for ordinary output. Trailing CR/whitespace is ignored. */
export function parseMarker(line: string): Marker | null {
  const trimmed = line.trimEnd();
  if (!trimmed.startsWith(MARKER_PREFIX)) return null;
  const body = trimmed.slice(MARKER_PREFIX.length);
  let m = STEP.exec(body);
  if (m) {
    const index = Number(m[1]);
    const total = Number(m[2]);
    if (index < 1 || index > total) return null;
    return { kind: 'step', index, total, id: m[3] ?? '', title: m[4] ?? '' };
  }
  if ((m = OK.exec(body))) return { kind: 'ok', id: m[1] ?? '', seconds: Number(m[2]) };
  if ((m = FAIL.exec(body))) {
    return { kind: 'fail', id: m[1] ?? '', exitCode: Number(m[2]), line: Number(m[3]) };
  }
  if ((m = COMPLETE.exec(body))) return { kind: 'complete', seconds: Number(m[1]) };
  return null;
}
