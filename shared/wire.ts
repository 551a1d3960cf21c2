// How a message crosses a transport when it may carry bytes (a terminal's output, exactly as the
// VM wrote it). Over a text transport (a socket line) bytes travel as base64, `{"$b64": "…"}`.
// Over a WebSocket a message with bytes is one binary frame: its JSON with each Uint8Array
// replaced by `{"$bin": [offset, length]}`, then the bytes themselves, so the page hands them to
// xterm as they came — no UTF-8 → UTF-16 → JSON → UTF-16 round trip, nothing to escape or parse.
//   frame = u32 BE header length · header (UTF-8 JSON) · bytes
// Only host → face messages carry bytes; what a face sends is plain JSON text.
// The markers are the only keys with one leading `$` on the wire: any other key starting with `$`
// (a label named `$b64` in the settings file) travels with one more `$` and loses it on arrival.

export type Frame = string | Uint8Array;

const HEADER_LENGTH_BYTES = 4;

// Node and browsers both have these; shared code is compiled with neither's types.
declare const TextEncoder: new () => { encode(text: string): Uint8Array };
declare const TextDecoder: new () => { decode(bytes: Uint8Array): string };
declare function atob(base64: string): string;
declare function btoa(binary: string): string;
/** Node's Buffer where there is one: base64 in native code (the CLI's socket). */
const NodeBuffer = (
  globalThis as {
    Buffer?: {
      from(
        bytes: ArrayBufferLike,
        offset: number,
        length: number,
      ): { toString(enc: 'base64'): string };
      from(text: string, enc: 'base64'): Uint8Array;
    };
  }
).Buffer;

function toBase64(bytes: Uint8Array): string {
  if (NodeBuffer)
    return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(text: string): Uint8Array {
  if (NodeBuffer) return NodeBuffer.from(text, 'base64');
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** The single-key marker objects this codec writes in place of bytes. */
function marker(value: unknown, key: '$b64' | '$bin'): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === key ? (value as Record<string, unknown>)[key] : undefined;
}

/** Text as the UTF-8 bytes a terminal carries. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

const ESCAPED_KEY = /^\$\$/;
const escapeKey = (k: string) => (k.startsWith('$') ? `$${k}` : k);
const unescapeKey = (k: string) => (ESCAPED_KEY.test(k) ? k.slice(1) : k);

/**
 * A JSON.stringify replacer that hands each Uint8Array to `mark` and writes what it returns, and
 * escapes keys starting with `$`. A Node Buffer has a toJSON that JSON.stringify calls before any
 * replacer (turning 256 KB into an array of 256K numbers), so the object holding it is first given
 * a plain view in its place.
 */
function bytesReplacer(mark: (bytes: Uint8Array) => unknown) {
  const isBuffer = (v: unknown): v is Uint8Array => v instanceof Uint8Array && 'toJSON' in v;
  const plain = (v: unknown) =>
    isBuffer(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : v;
  return function (this: Record<string, unknown>, key: string, value: unknown): unknown {
    const raw = this[key];
    if (raw instanceof Uint8Array) return mark(raw);
    if (typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) return value.some(isBuffer) ? value.map(plain) : value;
    const entries = Object.entries(value);
    if (!entries.some(([k, v]) => k.startsWith('$') || isBuffer(v))) return value;
    return Object.fromEntries(entries.map(([k, v]) => [escapeKey(k), plain(v)]));
  };
}

/** A JSON.parse reviver: bytes where `read` finds a marker, escaped keys given back. */
function bytesReviver(read: (marked: unknown) => Uint8Array | undefined) {
  return (_key: string, value: unknown): unknown => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    const bytes = read(value);
    if (bytes) return bytes;
    const keys = Object.keys(value);
    if (!keys.some((k) => ESCAPED_KEY.test(k))) return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [unescapeKey(k), v]));
  };
}

/** One JSON line: bytes as base64. */
export function encodeText(message: unknown): string {
  return JSON.stringify(
    message,
    bytesReplacer((bytes) => ({ $b64: toBase64(bytes) })),
  );
}

/** A binary frame when the message holds bytes, else its JSON text. */
export function encodeFrame(message: unknown): Frame {
  const parts: Uint8Array[] = [];
  let offset = 0;
  const header = JSON.stringify(
    message,
    bytesReplacer((bytes) => {
      parts.push(bytes);
      offset += bytes.byteLength;
      return { $bin: [offset - bytes.byteLength, bytes.byteLength] };
    }),
  );
  if (parts.length === 0) return header;
  const head = new TextEncoder().encode(header);
  const frame = new Uint8Array(HEADER_LENGTH_BYTES + head.byteLength + offset);
  new DataView(frame.buffer).setUint32(0, head.byteLength);
  frame.set(head, HEADER_LENGTH_BYTES);
  let at = HEADER_LENGTH_BYTES + head.byteLength;
  for (const p of parts) {
    frame.set(p, at);
    at += p.byteLength;
  }
  return frame;
}

export class WireFormatError extends Error {
  constructor(why: string) {
    super(`Unreadable message: ${why}`);
    this.name = 'WireFormatError';
  }
}

/**
 * Reads what encodeText or encodeFrame wrote (a text line or frame, or a binary frame as an
 * ArrayBuffer or Uint8Array). Bytes come back as Uint8Array views into the frame (no copy).
 */
export function decodeFrame(data: string | ArrayBuffer | Uint8Array): unknown {
  if (typeof data === 'string') {
    // Most messages carry no bytes nor escaped keys: those parse without a reviver.
    if (!data.includes('"$b64"') && !data.includes('"$$')) return JSON.parse(data);
    return JSON.parse(
      data,
      bytesReviver((value) => {
        const b64 = marker(value, '$b64');
        return typeof b64 === 'string' ? fromBase64(b64) : undefined;
      }),
    );
  }
  const frame = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (frame.byteLength < HEADER_LENGTH_BYTES) throw new WireFormatError('frame too short');
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const headLength = view.getUint32(0);
  const body = HEADER_LENGTH_BYTES + headLength;
  if (body > frame.byteLength) throw new WireFormatError('header past the end of the frame');
  const header = new TextDecoder().decode(frame.subarray(HEADER_LENGTH_BYTES, body));
  const bytesLength = frame.byteLength - body;
  return JSON.parse(
    header,
    bytesReviver((value) => {
      const at = marker(value, '$bin');
      if (at === undefined) return undefined;
      const [offset, length] = Array.isArray(at) ? (at as unknown[]) : [];
      if (
        !Number.isInteger(offset) ||
        !Number.isInteger(length) ||
        (offset as number) < 0 ||
        (length as number) < 0 ||
        (offset as number) + (length as number) > bytesLength
      )
        throw new WireFormatError('bytes outside the frame');
      return frame.subarray(
        body + (offset as number),
        body + (offset as number) + (length as number),
      );
    }),
  );
}
