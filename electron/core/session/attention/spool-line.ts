// One line of the VM's hook spool, validated at the edge: the agent can write anything into
// that file, so a line that is not what the hook script writes is skipped (and counted), never
// trusted and never fatal.
import { z } from 'zod';
import { HOOK_EVENTS } from './hook-script';

/** Longer lines are not the hook's (its payload is capped at 64 KiB): skipped unparsed. */
export const MAX_LINE_BYTES = 128 * 1024;

const Payload = z
  .object({
    session_id: z.string().max(200).optional(),
    source: z.string().optional(),
    tool_name: z.string().optional(),
    tool_input: z.unknown().optional(),
    notification_type: z.string().optional(),
    message: z.string().optional(),
    error: z.string().optional(),
    last_assistant_message: z.string().optional(),
    reason: z.string().optional(),
    cwd: z.string().optional(),
  })
  // Every other field Claude sends is kept out: the state machine reads only these.
  .strip();
export type HookPayload = z.infer<typeof Payload>;

const Line = z.object({
  ts: z.number().int().nonnegative(),
  hook: z.enum(HOOK_EVENTS),
  // A payload Claude sent that is not an object (or is missing) reads as no fields at all.
  data: z.unknown(),
  truncated: z.literal(true).optional(),
});

export interface SpoolEvent {
  ts: number;
  hook: (typeof HOOK_EVENTS)[number];
  data: HookPayload;
  /** The payload was over the hook's bound and dropped; the event itself still counts. */
  truncated: boolean;
}

/** The event a spool line holds, or null when it is not one of the hook's lines. */
export function parseSpoolLine(line: string): SpoolEvent | null {
  if (Buffer.byteLength(line) > MAX_LINE_BYTES) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return null;
  }
  const r = Line.safeParse(raw);
  if (!r.success) return null;
  const data = Payload.safeParse(r.data.data ?? {});
  return {
    ts: r.data.ts,
    hook: r.data.hook,
    data: data.success ? data.data : {},
    truncated: r.data.truncated === true,
  };
}
