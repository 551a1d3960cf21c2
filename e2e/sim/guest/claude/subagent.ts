// `agent <request>`: the Agent tool, as Claude Code 2.1.332 runs it (contract/claude-code-2.1.332.md):
// the subagent works in the background — PostToolUse at once with `status: "async_launched"`, the
// turn ends (Stop) — and its transcript goes into the sidecar folder
// `<session_id>/subagents/agent-<agentId>.jsonl` (+ `.meta.json`), the only thing that makes that
// folder exist. When it is done, a `<task-notification>` arrives as the next prompt. The simulated
// subagent only answers in words (`say …`); it runs no tools.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { answer, HELP, type ToolCall } from './model';
import { Transcript } from './transcript';

export interface Session {
  home: string;
  cwd: string;
  sessionId: string;
  version: string;
  model: string;
}

/** The prompt Claude Code submits by itself when a background agent finished. */
export interface TaskNotification {
  prompt: string;
  /** What the main agent answers to it. */
  answer: string;
}

/** The Agent tool call; once applied, `notification()` is what reports back when it is done. */
export type SubagentCall = ToolCall & { notification: () => TaskNotification | undefined };

export function subagentCall(request: string, s: Session): SubagentCall {
  const description = 'A subagent task';
  const input = { description, prompt: request, subagent_type: 'general-purpose' };
  let done: TaskNotification | undefined;
  return {
    tool: 'Agent',
    target: description,
    input,
    notification: () => done,
    apply: () => {
      const agentId = randomBytes(9).toString('hex').slice(0, 17);
      const t = new Transcript(s.home, s.cwd, s.sessionId, s.version, agentId);
      const a = answer(request, s.cwd);
      const text = a.kind === 'text' ? a.text : HELP;
      t.user(request, 'bypassPermissions');
      t.assistant([{ type: 'text', text }], s.model);
      // Not verified: the meta file's fields.
      writeFileSync(
        join(dirname(t.path), `agent-${agentId}.meta.json`),
        JSON.stringify({ agentType: input.subagent_type, description }) + '\n',
      );
      done = {
        prompt:
          `<task-notification>\n<task-id>${agentId}</task-id>\n<status>completed</status>\n` +
          `<summary>Agent "${description}" completed</summary>\n<result>${text}</result>\n</task-notification>`,
        answer: text,
      };
      return {
        text: `Async agent launched successfully. agentId: ${agentId}`,
        response: {
          isAsync: true,
          status: 'async_launched',
          agentId,
          description,
          prompt: request,
        },
      };
    },
  };
}
