// Follows the VM's hook spool over the session's own ssh connection (an exec channel running
// GNU `tail -F`: no listener on the Mac or in the VM), from a byte offset, and hands over whole
// lines in batches together with the offset just past them, so the caller can store both in one
// write: after a reconnect or a host restart it resumes there, nothing lost, nothing twice.
import { SPOOL_FILE } from './hook-script';
import { MAX_LINE_BYTES, parseSpoolLine, type SpoolEvent } from './spool-line';

/** What the follower saw besides events: lines it skipped and restarts from 0. */
export interface SpoolCounters {
  events: number;
  /** Lines that are not the hook's (garbage, cut off, over the size bound): skipped. */
  malformed: number;
  /** Events whose payload was over the hook's bound (applied without their fields). */
  truncated: number;
  /** The spool shrank below the offset, or was deleted or replaced: followed again from 0. */
  resets: number;
}

export interface SpoolBatch {
  events: SpoolEvent[];
  /** Bytes of the spool fully read after this batch. */
  offset: number;
}

/** The first line of the stream: where in the file the bytes that follow start. */
const HEADER = 'clave-spool ';
// GNU tail's own notices (stderr, merged into the stream so they arrive in order).
const TAIL_NOTICE = /^tail: /;
const TAIL_RESTARTED = /tail: .*(file truncated|following new file)$/;
const TAIL_GONE = /tail: .*(has become inaccessible|cannot open)/;

/**
 * The follow command. The spool (and its folder) is made if missing; an offset past its end
 * means the agent truncated or replaced it while nobody followed: start again at 0.
 * `-s 0.1`: where tail has to poll (it does on overlayfs), a change is seen within 100 ms.
 */
export function followCommand(offset: number): string {
  const off = Math.max(0, Math.floor(offset));
  return [
    `f="$HOME"/${SPOOL_FILE}`,
    'mkdir -p -m 700 "${f%/*}"',
    '(umask 077; touch "$f")',
    'size=$(stat -c %s "$f" 2>/dev/null || echo 0)',
    `off=${off}`,
    '[ "$size" -ge "$off" ] || off=0',
    `echo "${HEADER}$off"`,
    'exec tail -c +$((off + 1)) -s 0.1 -F "$f" 2>&1',
  ].join('; ');
}

/** The command that re-creates a deleted spool (the hook would too, at its next event). */
export function recreateCommand(): string {
  return `f="$HOME"/${SPOOL_FILE}; mkdir -p -m 700 "\${f%/*}"; (umask 077; touch "$f")`;
}

/**
 * Turns the byte stream of one follow command into batches. `offset` is where the caller
 * resumes (the stored offset); the header says where the stream really starts.
 */
export class SpoolReader {
  readonly counters: SpoolCounters = { events: 0, malformed: 0, truncated: 0, resets: 0 };
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private overlong = false;
  private position: number | null = null;

  constructor(
    private readonly resumeAt: number,
    private readonly on: { batch(b: SpoolBatch): void; gone(): void },
  ) {}

  push(chunk: Buffer): void {
    const events: SpoolEvent[] = [];
    let advanced = false;
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      const part = chunk.subarray(start, nl);
      start = nl + 1;
      const length = this.pendingBytes + part.length;
      const line = this.overlong ? null : Buffer.concat([...this.pending, part]).toString('utf8');
      const wasOverlong = this.overlong;
      this.pending = [];
      this.pendingBytes = 0;
      this.overlong = false;
      if (this.line(line, length, wasOverlong, events)) advanced = true;
    }
    this.keep(chunk.subarray(start));
    if (advanced && this.position !== null) this.on.batch({ events, offset: this.position });
  }

  /** Handles one whole line; true when the file position moved (or restarted). */
  private line(line: string | null, bytes: number, overlong: boolean, out: SpoolEvent[]): boolean {
    if (this.position === null) {
      const at = line?.startsWith(HEADER) ? Number(line.slice(HEADER.length)) : NaN;
      this.position = Number.isInteger(at) ? at : 0;
      if (this.position < this.resumeAt) this.counters.resets++;
      return this.position !== this.resumeAt;
    }
    if (line !== null && TAIL_RESTARTED.test(line)) {
      // The file was truncated or replaced: what follows is read from its byte 0 (a partial
      // line before the notice was cut off by the truncation).
      this.counters.resets++;
      this.position = 0;
      return true;
    }
    if (line !== null && TAIL_NOTICE.test(line)) {
      // tail's own words, not bytes of the file.
      if (TAIL_GONE.test(line)) this.on.gone();
      return false;
    }
    this.position += bytes + 1;
    const event = overlong || line === null ? null : parseSpoolLine(line);
    if (!event) this.counters.malformed++;
    else {
      this.counters.events++;
      if (event.truncated) this.counters.truncated++;
      out.push(event);
    }
    return true;
  }

  /** Keeps a partial line until its newline; past the bound only its length is kept. */
  private keep(rest: Buffer): void {
    if (!rest.length) return;
    this.pendingBytes += rest.length;
    if (this.overlong) return;
    if (this.pendingBytes > MAX_LINE_BYTES) {
      this.overlong = true;
      this.pending = [];
      return;
    }
    this.pending.push(Buffer.from(rest));
  }
}
