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

/** One exchange as the TUI replays it after --resume / --continue. */
export interface Exchange {
  role: 'user' | 'assistant';
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
  ) {
    const dir = projectDir(home, cwd);
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    this.path = join(dir, `${sessionId}.jsonl`);
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

  static exists(home: string, cwd: string, sessionId: string): boolean {
    return existsSync(join(projectDir(home, cwd), `${sessionId}.jsonl`));
  }

  private lines(): Json[] {
    const out: Json[] = [];
    for (const l of readFileSync(this.path, 'utf8').split('\n')) {
      try {
        if (l.trim()) out.push(JSON.parse(l) as Json);
      } catch {
        /* a torn line: skipped, as Claude Code does */
      }
    }
    return out;
  }

  /** The user prompts and assistant texts so far, in order. */
  exchanges(): Exchange[] {
    const out: Exchange[] = [];
    for (const l of this.lines()) {
      const msg = l.message as { role?: string; content?: unknown } | undefined;
      if ((l.type !== 'user' && l.type !== 'assistant') || !msg) continue;
      const content = msg.content;
      const text =
        typeof content === 'string'
          ? content
          : Array.isArray(content)
            ? (content as Json[])
                .filter((b) => b.type === 'text')
                .map((b) => b.text as string)
                .join('\n')
            : '';
      if (text) out.push({ role: l.type, text });
    }
    return out;
  }

  private append(entry: Json): void {
    const uuid = randomUUID();
    const line = {
      parentUuid: this.parent,
      isSidechain: false,
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
