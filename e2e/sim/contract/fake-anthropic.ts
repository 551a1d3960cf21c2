// A tiny stand-in for the Anthropic Messages API on the simulated gateway, so the real Claude Code
// can run a turn without the internet (ANTHROPIC_BASE_URL points here). It "understands" the same
// small grammar as the simulated Claude (guest/claude/model.ts), answering with the tool calls a
// model would make, so one contract test drives both:
//   say <text>                → a text answer <text>
//   run <command>             → a Bash tool call, then (after the tool result) "Done."
//   create <file> with <text> → a Write tool call, then "Done."
//   agent <request>           → an Agent (subagent) tool call whose prompt is <request>, then "Done."
//   ask <question>            → an AskUserQuestion tool call (options Yes / No), then "You answered: …"
//   fail                      → HTTP 500 api_error (a turn that ends on an API error)
//   anything else             → a fixed text answer
// Streaming follows the Messages API's SSE sequence: message_start, content_block_start,
// content_block_delta…, content_block_stop, message_delta, message_stop.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GATEWAY_IP } from '../config';
import { askInput } from '../guest/claude/model';
import { holdGateway } from '../services';

export const FALLBACK_ANSWER = 'I am the contract suite’s stand-in for the Messages API.';

export interface ApiRequest {
  method: string;
  path: string;
  model?: string;
  stream?: boolean;
  /** The last user text (or "[tool_result]"), for debugging and assertions. */
  lastUser?: string;
  /** The text of a tool_result the request carries back (e.g. the user's answer to a question). */
  toolResult?: string;
  /** Headers that identify the caller (never the API key). */
  userAgent?: string;
}

export interface FakeAnthropic {
  /** http://192.168.64.1:<port> — the value for ANTHROPIC_BASE_URL. */
  url: string;
  requests: ApiRequest[];
  close(): Promise<void>;
}

type Block = { type: string; text?: string; content?: unknown };
type Msg = { role: string; content: string | Block[] };
interface Body {
  model?: string;
  stream?: boolean;
  messages?: Msg[];
  tools?: Array<{ name?: string }>;
}

type Answer =
  | { kind: 'text'; text: string }
  | { kind: 'tool'; name: string; input: Record<string, unknown> }
  | { kind: 'error'; status: number; type: string; message: string };

/** The user's words in the last message, without Claude Code's <system-reminder> blocks. */
function lastUserText(messages: Msg[]): string | 'tool_result' | undefined {
  // Claude Code 2.1.33x puts role "system" messages (environment, tool lists) after the prompt.
  const last = messages.filter((m) => m.role !== 'system').pop();
  if (!last || last.role !== 'user') return undefined;
  if (typeof last.content === 'string') return last.content.trim();
  const texts = last.content
    .filter((b) => b.type === 'text' && typeof b.text === 'string')
    .map((b) => (b.text ?? '').trim())
    .filter((t) => t && !t.startsWith('<system-reminder>'));
  // A prompt typed after a declined tool call travels with that call's (rejected) tool_result.
  if (texts.length) return texts[texts.length - 1];
  return last.content.some((b) => b.type === 'tool_result') ? 'tool_result' : undefined;
}

/** The text of the tool_result in the last user message (what the tool returned to the model). */
function lastToolResult(messages: Msg[]): string {
  const last = messages.filter((m) => m.role !== 'system').pop();
  const block = Array.isArray(last?.content)
    ? last.content.find((b) => b.type === 'tool_result')
    : undefined;
  const c = block?.content;
  if (typeof c === 'string') return c;
  return Array.isArray(c)
    ? (c as Block[]).map((b) => (typeof b.text === 'string' ? b.text : '')).join('')
    : '';
}

export function answer(body: Body, cwd = '/srv/project'): Answer {
  const text = lastUserText(body.messages ?? []);
  const tools = new Set((body.tools ?? []).map((t) => t.name));
  if (text === 'tool_result') {
    const result = lastToolResult(body.messages ?? []);
    // AskUserQuestion's result: `… answered: "<question>"="<answer>". …`
    const answered = /answered: ".*?"="(.*?)"\./.exec(result);
    return { kind: 'text', text: answered ? `You answered: ${answered[1]}` : 'Done.' };
  }
  if (text === undefined) return { kind: 'text', text: FALLBACK_ANSWER };
  let m: RegExpExecArray | null;
  if (/^fail\b/i.test(text)) {
    return { kind: 'error', status: 500, type: 'api_error', message: 'Internal server error' };
  }
  if ((m = /^say\s+([\s\S]+)$/i.exec(text))) return { kind: 'text', text: m[1] ?? '' };
  if ((m = /^run\s+([\s\S]+)$/i.exec(text)) && tools.has('Bash')) {
    return { kind: 'tool', name: 'Bash', input: { command: m[1], description: 'Run a command' } };
  }
  if ((m = /^ask\s+([\s\S]+)$/i.exec(text)) && tools.has('AskUserQuestion')) {
    return { kind: 'tool', name: 'AskUserQuestion', input: askInput(m[1] ?? '') };
  }
  const agentTool = ['Agent', 'Task'].find((t) => tools.has(t));
  if ((m = /^agent\s+([\s\S]+)$/i.exec(text)) && agentTool) {
    const input = {
      description: 'A subagent task',
      prompt: m[1],
      subagent_type: 'general-purpose',
    };
    return { kind: 'tool', name: agentTool, input };
  }
  if ((m = /^create\s+(\S+)\s+with\s+([\s\S]*)$/i.exec(text)) && tools.has('Write')) {
    const file = (m[1] ?? '').startsWith('/') ? (m[1] ?? '') : `${cwd}/${m[1] ?? ''}`;
    return { kind: 'tool', name: 'Write', input: { file_path: file, content: `${m[2] ?? ''}\n` } };
  }
  return { kind: 'text', text: FALLBACK_ANSWER };
}

function sse(res: ServerResponse, type: string, data: Record<string, unknown>): void {
  res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
}

function reply(res: ServerResponse, body: Body, a: Exclude<Answer, { kind: 'error' }>): void {
  const id = `msg_${randomBytes(12).toString('hex')}`;
  const model = body.model ?? 'claude-sonnet-4-5';
  const block =
    a.kind === 'text'
      ? { type: 'text', text: a.text }
      : {
          type: 'tool_use',
          id: `toolu_${randomBytes(12).toString('hex')}`,
          name: a.name,
          input: a.input,
        };
  const stopReason = a.kind === 'text' ? 'end_turn' : 'tool_use';
  const usage = {
    input_tokens: 12,
    output_tokens: 8,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  };
  res.setHeader('request-id', `req_${randomBytes(12).toString('hex')}`);
  if (!body.stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [block],
        stop_reason: stopReason,
        stop_sequence: null,
        usage,
      }),
    );
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  sse(res, 'message_start', {
    message: {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...usage, output_tokens: 1 },
    },
  });
  if (block.type === 'text') {
    sse(res, 'content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
    sse(res, 'ping', {});
    for (const piece of (a as { text: string }).text.match(/[\s\S]{1,16}/g) ?? ['']) {
      sse(res, 'content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } });
    }
  } else {
    sse(res, 'content_block_start', { index: 0, content_block: { ...block, input: {} } });
    sse(res, 'content_block_delta', {
      index: 0,
      delta: {
        type: 'input_json_delta',
        partial_json: JSON.stringify((block as { input: unknown }).input),
      },
    });
  }
  sse(res, 'content_block_stop', { index: 0 });
  sse(res, 'message_delta', {
    delta: { stop_reason: stopReason, stop_sequence: null },
    usage: { output_tokens: 8 },
  });
  sse(res, 'message_stop', {});
  res.end();
}

async function readBody(req: IncomingMessage, limit = 8 << 20): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function json(res: ServerResponse, status: number, v: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(v));
}

/** Listens on the gateway (an ephemeral port, so parallel suites never collide). */
export async function startFakeAnthropic(
  opts: { latencyMs?: number } = {},
): Promise<FakeAnthropic> {
  const release = holdGateway();
  const requests: ApiRequest[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const rec: ApiRequest = {
        method: req.method ?? 'GET',
        path,
        userAgent: req.headers['user-agent'],
      };
      requests.push(rec);
      if (req.method !== 'POST' || !path.startsWith('/v1/messages')) {
        json(res, 404, {
          type: 'error',
          error: { type: 'not_found_error', message: `${path} not found` },
        });
        return;
      }
      const body = JSON.parse(await readBody(req)) as Body;
      Object.assign(rec, {
        model: body.model,
        stream: body.stream,
        lastUser: lastUserText(body.messages ?? []),
        toolResult: lastToolResult(body.messages ?? []) || undefined,
      });
      if (path === '/v1/messages/count_tokens') return json(res, 200, { input_tokens: 12 });
      const a = answer(body);
      // A model takes its time; Claude Code's idle bookkeeping assumes it does.
      if (opts.latencyMs) await new Promise((r) => setTimeout(r, opts.latencyMs));
      if (a.kind === 'error') {
        json(res, a.status, { type: 'error', error: { type: a.type, message: a.message } });
        return;
      }
      reply(res, body, a);
    })().catch((e: unknown) => {
      if (!res.headersSent)
        json(res, 400, {
          type: 'error',
          error: { type: 'invalid_request_error', message: String(e) },
        });
      else res.end();
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, GATEWAY_IP, resolve);
    });
  } catch (e) {
    release();
    throw e;
  }
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${GATEWAY_IP}:${port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      release();
    },
  };
}
