import { describe, expect, it } from 'vitest';
import { MAX_LINE_BYTES, parseSpoolLine } from './spool-line';

describe('a spool line', () => {
  it('reads the hook’s line and keeps only the fields the state machine uses', () => {
    const e = parseSpoolLine(
      JSON.stringify({
        ts: 1700000000123,
        hook: 'Notification',
        data: {
          message: 'Claude needs your permission',
          notification_type: 'permission_prompt',
          x: 1,
        },
      }),
    );
    expect(e).toEqual({
      ts: 1700000000123,
      hook: 'Notification',
      data: { message: 'Claude needs your permission', notification_type: 'permission_prompt' },
      truncated: false,
    });
  });

  it('reads a truncated payload as an event without fields', () => {
    expect(parseSpoolLine('{"ts":1,"hook":"PostToolUse","data":null,"truncated":true}')).toEqual({
      ts: 1,
      hook: 'PostToolUse',
      data: {},
      truncated: true,
    });
  });

  it('keeps unicode intact', () => {
    const msg = 'Soll ich „app/Models/Üser.php“ ändern? 🎉 中文';
    const e = parseSpoolLine(
      JSON.stringify({ ts: 1, hook: 'Stop', data: { last_assistant_message: msg } }),
    );
    expect(e?.data.last_assistant_message).toBe(msg);
  });

  it('skips what the hook never writes', () => {
    for (const line of [
      '',
      'garbage',
      '{"ts":1,"hook":"Stop","data":{"a":', // cut off
      '{"ts":"1","hook":"Stop","data":null}',
      '{"ts":1,"hook":"Bogus","data":null}',
      '{"ts":-5,"hook":"Stop","data":null}',
      '[1,2]',
      'null',
      'tail: /home/admin/.clave/events.jsonl: file truncated',
    ])
      expect(parseSpoolLine(line), line).toBeNull();
  });

  it('reads a payload of the wrong shape as no fields, and skips a huge line unparsed', () => {
    expect(
      parseSpoolLine('{"ts":1,"hook":"Stop","data":{"last_assistant_message":42}}')?.data,
    ).toEqual({});
    expect(parseSpoolLine('{"ts":1,"hook":"Stop","data":"text"}')?.data).toEqual({});
    const huge = JSON.stringify({
      ts: 1,
      hook: 'Stop',
      data: { message: 'x'.repeat(MAX_LINE_BYTES) },
    });
    expect(parseSpoolLine(huge)).toBeNull();
  });
});
