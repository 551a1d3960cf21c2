import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, encodeText, utf8, WireFormatError } from './wire';

// Bytes that are not text: an escape, a lone continuation byte, a UTF-8 character cut in half.
const raw = new Uint8Array([0x1b, 0x5b, 0x48, 0x80, 0xff, 0x00, 0xe2, 0x9c]);

describe('the wire codec', () => {
  it('carries bytes exactly over a text line (base64) and leaves other values alone', () => {
    const message = {
      event: 'terminal.data',
      payload: { terminalId: 't', data: raw, note: { $b64: 'x', other: 1 } },
    };
    const line = encodeText(message);
    expect(line).not.toContain('\n');
    const back = decodeFrame(line) as typeof message;
    expect(back.payload.data).toBeInstanceOf(Uint8Array);
    expect([...back.payload.data]).toEqual([...raw]);
    // Only a lone `$b64` key is a marker.
    expect(back.payload.note).toEqual({ $b64: 'x', other: 1 });
  });

  it('sends a message with bytes as one binary frame, views into it on arrival', () => {
    const a = utf8('✻ Welcome\r\n');
    const frame = encodeFrame({ id: 3, result: { first: a, second: raw, n: 1 } });
    expect(frame).toBeInstanceOf(Uint8Array);
    const bytes = frame as Uint8Array;
    // The bytes follow the header as they are: nothing escaped or re-encoded.
    expect(Buffer.from(bytes.subarray(bytes.length - raw.length)).equals(Buffer.from(raw))).toBe(
      true,
    );
    const back = decodeFrame(bytes.slice().buffer) as {
      result: { first: Uint8Array; second: Uint8Array; n: number };
    };
    expect(new TextDecoder().decode(back.result.first)).toBe('✻ Welcome\r\n');
    expect([...back.result.second]).toEqual([...raw]);
    expect(back.result.n).toBe(1);
  });

  it('gives back keys that look like its markers as they were (a label named $b64)', () => {
    const labels = { $b64: 'aGk=', $bin: [0, 1], $$x: 1, $: 2, plain: { $b64: 'x' } };
    const message = { id: 1, result: { labels, list: [{ $bin: [0, 2] }] } };
    expect(decodeFrame(encodeText(message))).toEqual(message);
    expect(decodeFrame(encodeFrame(message))).toEqual(message);
    const withBytes = { event: 'e', payload: { data: raw, labels } };
    for (const wire of [encodeText(withBytes), encodeFrame(withBytes)]) {
      const back = decodeFrame(wire) as typeof withBytes;
      expect([...back.payload.data]).toEqual([...raw]);
      expect(back.payload.labels).toEqual(labels);
    }
  });

  it('keeps messages without bytes as JSON text', () => {
    expect(encodeFrame({ id: 1, result: [] })).toBe('{"id":1,"result":[]}');
    expect(encodeText({ event: 'app.notice', payload: { level: 'info', message: 'hi' } })).toBe(
      '{"event":"app.notice","payload":{"level":"info","message":"hi"}}',
    );
  });

  it('refuses a binary frame that points outside itself', () => {
    const header = (json: string, extra = 0) => {
      const head = utf8(json);
      const f = new Uint8Array(4 + head.length + extra);
      new DataView(f.buffer).setUint32(0, head.length);
      f.set(head, 4);
      return f;
    };
    expect(() => decodeFrame(new Uint8Array([0, 0]))).toThrow(WireFormatError);
    expect(() => decodeFrame(new Uint8Array([0, 0, 1, 0, 0x7b]))).toThrow(WireFormatError);
    expect(() => decodeFrame(header('{"d":{"$bin":[0,5]}}', 4))).toThrow(WireFormatError);
    expect(() => decodeFrame(header('{"d":{"$bin":[-1,1]}}', 4))).toThrow(WireFormatError);
    expect(() => decodeFrame(header('{"d":{"$bin":"x"}}', 4))).toThrow(WireFormatError);
    const ok = decodeFrame(header('{"d":{"$bin":[1,2]}}', 4)) as { d: Uint8Array };
    expect(ok.d.length).toBe(2);
  });
});

describe('a Node Buffer on the wire', () => {
  it('is framed as bytes without being turned into an array of numbers first', () => {
    const big = Buffer.alloc(256 * 1024, 'x');
    let calls = 0;
    const toJSON = big.toJSON.bind(big);
    big.toJSON = () => (calls++, toJSON());
    const frame = encodeFrame({ event: 'terminal.data', payload: { terminalId: 't', data: big } });
    const list = decodeFrame(encodeFrame({ id: 1, result: [big, 1] })) as {
      result: [Uint8Array, number];
    };
    expect(list.result[0].length).toBe(big.length);
    const line = encodeText({ event: 'terminal.data', payload: { terminalId: 't', data: big } });
    expect(calls).toBe(0);
    const back = decodeFrame(frame) as { payload: { data: Uint8Array } };
    expect(Buffer.from(back.payload.data).equals(big)).toBe(true);
    const again = decodeFrame(line) as { payload: { data: Uint8Array } };
    expect(Buffer.from(again.payload.data).equals(big)).toBe(true);
  });
});
