// The simulated Claude's "model": a tiny grammar mapped to the tool calls a real model would make,
// with the tool names and inputs Claude Code's hooks report (contracts/claude-code.md §8).
// contract/fake-anthropic.ts answers the same grammar for the real Claude Code.
import { execSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface ToolCall {
  tool: 'Write' | 'Edit' | 'Read' | 'Bash' | 'AskUserQuestion' | 'Agent';
  /** What the TUI shows in `⏺ Tool(target)`. */
  target: string;
  input: Record<string, unknown>;
  /** Runs the tool: the text shown under it and the `tool_response` hooks see. */
  apply: () => { text: string; response: Record<string, unknown> };
}

export type Answer =
  | { kind: 'text'; text: string }
  | { kind: 'tool'; call: ToolCall }
  /** `call` is the AskUserQuestion tool call; the session asks the person and answers it. */
  | { kind: 'ask'; question: string; call: ToolCall }
  | { kind: 'agent'; request: string }
  | { kind: 'error'; error: string; message: string };

export const HELP =
  "I'm the simulated Claude Code of Clave's test host. I can: say <text>, create <file> with <text>, " +
  'append <text> to <file>, replace <old> with <new> in <file>, read <file>, delete <file>, run <command>, ' +
  'ask <question>, agent <request>, fail.';

/** What the real Claude Code shows (and reports to StopFailure) after a 500 from the API. */
export const API_500 =
  'API Error: 500 Internal server error. This is a server-side issue, usually temporary — try again in a moment.';

/**
 * AskUserQuestion's input as Claude Code's tool schema has it (questions: 1–4 of {question,
 * header ≤ 12 chars, options: 2–4 of {label, description}, multiSelect}); source: the tool's
 * input schema in the Claude Agent SDK's tool description (claudeCodeVersion 2.1.168,
 * context-audit.tj-zhang.com) and its zod schema in the published source map dump.
 */
export function askInput(question: string): Record<string, unknown> {
  return {
    questions: [
      {
        question,
        header: 'Question',
        options: [
          { label: 'Yes', description: 'Go ahead.' },
          { label: 'No', description: 'Do not.' },
        ],
        multiSelect: false,
      },
    ],
  };
}

function bash(cwd: string, command: string): ToolCall {
  return {
    tool: 'Bash',
    target: command,
    input: { command, description: 'Run a command' },
    apply: () => {
      let stdout: string;
      let stderr = '';
      let code = 0;
      try {
        stdout = execSync(command, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (e) {
        const x = e as { status?: number; stdout?: string; stderr?: string };
        [stdout, stderr, code] = [x.stdout ?? '', x.stderr ?? '', x.status ?? 1];
      }
      const text = `${stdout}${stderr}`.trimEnd() + (code ? `\nError: exit code ${code}` : '');
      return {
        text,
        response: {
          stdout: stdout.trimEnd(),
          stderr: stderr.trimEnd(),
          interrupted: false,
          isImage: false,
        },
      };
    },
  };
}

export function answer(text: string, cwd: string): Answer {
  const t = text.trim();
  let m: RegExpExecArray | null;
  const p = (x: string) => resolve(cwd, x.trim());
  if (/^fail\b/i.test(t)) return { kind: 'error', error: 'server_error', message: API_500 };
  if ((m = /^say\s+([\s\S]+)$/i.exec(t))) return { kind: 'text', text: m[1] ?? '' };
  if ((m = /^agent\s+([\s\S]+)$/i.exec(t))) return { kind: 'agent', request: m[1] ?? '' };
  if ((m = /^ask\s+([\s\S]+)$/i.exec(t))) {
    const question = m[1] ?? '';
    const input = askInput(question);
    const call: ToolCall = {
      tool: 'AskUserQuestion',
      target: question,
      input,
      apply: () => ({ text: '', response: {} }),
    };
    return { kind: 'ask', question, call };
  }
  if ((m = /^(?:create|write)\s+(\S+)\s+(?:with|containing)\s+([\s\S]*)$/i.exec(t))) {
    const [file, body] = [p(m[1] ?? ''), m[2] ?? ''];
    const content = body.endsWith('\n') ? body : body + '\n';
    return {
      kind: 'tool',
      call: {
        tool: 'Write',
        target: m[1] ?? '',
        input: { file_path: file, content },
        apply: () => {
          mkdirSync(dirname(file), { recursive: true });
          writeFileSync(file, content);
          return {
            text: `Wrote ${body.split('\n').length} lines to ${m?.[1]}`,
            response: { type: 'create', filePath: file, content },
          };
        },
      },
    };
  }
  if ((m = /^append\s+([\s\S]+)\s+to\s+(\S+)$/i.exec(t))) {
    const [body, file] = [m[1] ?? '', p(m[2] ?? '')];
    return {
      kind: 'tool',
      call: {
        tool: 'Edit',
        target: m[2] ?? '',
        input: { file_path: file, old_string: '', new_string: body + '\n' },
        apply: () => {
          appendFileSync(file, body + '\n');
          return { text: `Appended 1 line to ${m?.[2]}`, response: { filePath: file } };
        },
      },
    };
  }
  if ((m = /^replace\s+([\s\S]+?)\s+with\s+([\s\S]*?)\s+in\s+(\S+)$/i.exec(t))) {
    const [from, to, file] = [m[1] ?? '', m[2] ?? '', p(m[3] ?? '')];
    return {
      kind: 'tool',
      call: {
        tool: 'Edit',
        target: m[3] ?? '',
        input: { file_path: file, old_string: from, new_string: to },
        apply: () => {
          const before = readFileSync(file, 'utf8');
          if (!before.includes(from)) throw new Error(`String to replace not found in file.`);
          writeFileSync(file, before.split(from).join(to));
          return { text: `Updated ${m?.[3]}`, response: { filePath: file } };
        },
      },
    };
  }
  if ((m = /^(?:read|show)\s+(\S+)$/i.exec(t))) {
    const file = p(m[1] ?? '');
    return {
      kind: 'tool',
      call: {
        tool: 'Read',
        target: m[1] ?? '',
        input: { file_path: file },
        apply: () => {
          const content = readFileSync(file, 'utf8');
          return {
            text: content.trimEnd(),
            response: { type: 'text', file: { filePath: file, content } },
          };
        },
      },
    };
  }
  if ((m = /^delete\s+(\S+)$/i.exec(t))) {
    const file = m[1] ?? '';
    const call = bash(cwd, `rm ${file}`);
    return {
      kind: 'tool',
      call: {
        ...call,
        apply: () => {
          rmSync(p(file));
          return {
            text: `Deleted ${file}`,
            response: { stdout: '', stderr: '', interrupted: false, isImage: false },
          };
        },
      },
    };
  }
  if ((m = /^run\s+([\s\S]+)$/i.exec(t))) return { kind: 'tool', call: bash(cwd, m[1] ?? '') };
  return { kind: 'text', text: HELP };
}
