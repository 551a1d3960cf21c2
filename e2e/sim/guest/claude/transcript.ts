// The conversation log where Claude Code keeps it (contracts/claude-code.md §9):
// ~/.claude/projects/<cwd with every non-alphanumeric character as "-">/<session_id>.jsonl, one
// JSON object per line with the fields the real 2.1.332 writes on user and assistant lines.
import { randomUUID } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';

type Json = Record<string, unknown>;

export function projectDir(home: string, cwd: string): string {
  return join(home, '.claude', 'projects', cwd.replace(/[^a-zA-Z0-9]/g, '-'));
}

function parse(path: string): Json[] {
  const out: Json[] = [];
  for (const l of readFileSync(path, 'utf8').split('\n')) {
    try {
      const v = l.trim() ? (JSON.parse(l) as unknown) : undefined;
      if (v && typeof v === 'object' && !Array.isArray(v)) out.push(v as Json);
    } catch {
      /* a torn or foreign line: skipped (with readable messages around it: not verified) */
    }
  }
  return out;
}

const isMessage = (l: Json): boolean =>
  (l.type === 'user' || l.type === 'assistant') &&
  typeof (l.message as Json | undefined)?.role === 'string';

/** How the TUI shows a tool call again: `Tool(command or file)`, or a question and its answer. */
function toolLine(name: string, input: Json | undefined, result: string | undefined): string {
  const q = (input?.questions as Json[] | undefined)?.[0];
  if (name === 'AskUserQuestion' && q) {
    const answer = /answered: ".*?"="(.*?)"\./.exec(result ?? '')?.[1];
    if (answer !== undefined)
      return `Answered Claude's questions:\n  ⎿  · ${String(q.question)} → ${answer}`;
    const labels = ((q.options as Json[] | undefined) ?? []).map((o) => String(o.label));
    return `Declined to answer Claude's questions:\n  ⎿  · ${String(q.question)} (${labels.join(' / ')})`;
  }
  return `${name}(${String(input?.command ?? input?.file_path ?? '')})`;
}

/** One exchange as the TUI replays it after --resume / --continue. */
export interface Exchange {
  role: 'user' | 'assistant' | 'tool';
  text: string;
}

export class Transcript {
  readonly path: string;
  private parent: string | null = null;

  constructor(
    home: string,
    private readonly cwd: string,
    readonly sessionId: string,
    private readonly version: string,
    /** A subagent's transcript: in the sidecar folder, `<session_id>/subagents/agent-<id>.jsonl`. */
    private readonly agentId?: string,
  ) {
    const dir = agentId
      ? join(projectDir(home, cwd), sessionId, 'subagents')
      : projectDir(home, cwd);
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    this.path = join(dir, agentId ? `agent-${agentId}.jsonl` : `${sessionId}.jsonl`);
    if (existsSync(this.path)) {
      const last = this.lines()
        .filter((l) => typeof l.uuid === 'string')
        .pop();
      this.parent = (last?.uuid as string | undefined) ?? null;
    }
  }

  /** The most recent conversation of a cwd (for --continue). */
  static latest(home: string, cwd: string): string | undefined {
    const dir = projectDir(home, cwd);
    let files: string[];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
    } catch {
      return undefined;
    }
    files.sort((a, b) => statSync(join(dir, b)).mtimeMs - statSync(join(dir, a)).mtimeMs);
    return files[0]?.replace(/\.jsonl$/, '');
  }

  /**
   * Whether --resume can use this transcript: it exists and has at least one user or assistant
   * message line. A file of another format (not JSONL, or JSON lines of other shapes) has none,
   * and 2.1.332 then says "No conversation found with session ID".
   */
  static hasConversation(home: string, cwd: string, sessionId: string): boolean {
    const path = join(projectDir(home, cwd), `${sessionId}.jsonl`);
    return existsSync(path) && parse(path).some(isMessage);
  }

  private lines(): Json[] {
    return parse(this.path);
  }

  /** The user prompts, assistant texts and tool calls so far, in order. */
  exchanges(): Exchange[] {
    const lines = this.lines().filter(isMessage);
    const blocks = (l: Json): Json[] => {
      const c = (l.message as Json).content;
      return Array.isArray(c) ? (c as Json[]) : [];
    };
    const results = new Map<string, string>();
    for (const b of lines.flatMap(blocks)) {
      if (b.type === 'tool_result') results.set(String(b.tool_use_id), String(b.content ?? ''));
    }
    const out: Exchange[] = [];
    for (const l of lines) {
      const content = (l.message as Json).content;
      const role = l.type as 'user' | 'assistant';
      if (typeof content === 'string') {
        if (content) out.push({ role, text: content });
        continue;
      }
      for (const b of blocks(l)) {
        if (b.type === 'text' && typeof b.text === 'string' && b.text) {
          out.push({ role, text: b.text });
        } else if (b.type === 'tool_use') {
          const input = b.input as Json | undefined;
          const result = results.get(String(b.id));
          out.push({ role: 'tool', text: toolLine(String(b.name), input, result) });
        }
      }
    }
    return out;
  }

  private append(entry: Json): void {
    const uuid = randomUUID();
    const line = {
      parentUuid: this.parent,
      isSidechain: this.agentId !== undefined,
      ...(this.agentId ? { agentId: this.agentId } : {}),
      ...entry,
      uuid,
      timestamp: new Date().toISOString(),
      userType: 'external',
      entrypoint: 'cli',
      cwd: this.cwd,
      sessionId: this.sessionId,
      version: this.version,
    };
    this.parent = uuid;
    appendFileSync(this.path, JSON.stringify(line) + '\n', { mode: 0o600 });
  }

  user(content: string | Json[], permissionMode: string, promptId?: string): void {
    this.append({ promptId, type: 'user', message: { role: 'user', content }, permissionMode });
  }

  assistant(content: Json[], model: string): void {
    const stop = content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn';
    this.append({
      type: 'assistant',
      message: {
        id: `msg_${randomUUID().replace(/-/g, '')}`,
        type: 'message',
        role: 'assistant',
        model,
        content,
        stop_reason: stop,
        stop_sequence: null,
      },
    });
  }
}
