// The two dialogs that stop a turn until the person answers, drawn the way Claude Code 2.1.332
// draws them (contract/claude-code-2.1.332.md): a tool's permission dialog and AskUserQuestion's
// question box.
import type { ToolCall } from './model';
import type { Dialog } from './permissions';
import { BOLD, DIM, ORANGE, RESET, key, menu, w } from './tui';

/** The chosen option's index (0 is always the yes), or -1 for Esc/Ctrl-C. */
export function permissionPrompt(call: ToolCall, d: Dialog): Promise<number> {
  const kind = call.tool === 'Bash' ? 'Bash command' : `${call.tool} file`;
  const lines = [`${BOLD}${kind}${RESET}`, `  ${call.target}`];
  if (d.reason) lines.push(d.reason);
  lines.push(
    d.options.length === 2
      ? 'Do you want to proceed?'
      : `Do you want to ${call.tool === 'Bash' ? 'run' : 'make this edit to'} ${call.target}?`,
  );
  return menu(lines.join('\n'), d.options);
}

interface Question {
  question: string;
  header: string;
  options: Array<{ label: string; description?: string }>;
}

/**
 * The question box; resolves with the answer (an option's label or the typed text), or
 * undefined when the person declines (Esc). Digits pick an option, Enter the highlighted one;
 * "Type something." (its digit, the arrows, or simply typing) takes a line of text. Seen on
 * 2.1.332: Enter, `3` + text + Enter, Esc; not verified: a digit answering at once, typing
 * without `3`, and "Chat about this" (here: declines).
 */
export async function askQuestion(q: Question): Promise<string | undefined> {
  const choices = [...q.options.map((o) => o.label), 'Type something.', 'Chat about this'];
  const typeAt = q.options.length;
  let sel = 0;
  let text = '';
  const draw = () => {
    const rows = choices.map((c, i) => {
      const mark = i === sel ? `${ORANGE}❯` : ' ';
      const label = i === typeAt && text ? text : c;
      const desc = q.options[i]?.description;
      return `${mark} ${i + 1}. ${label}${RESET}${desc ? `\n     ${DIM}${desc}${RESET}` : ''}`;
    });
    w(
      `\n ☐ ${q.header} \n${BOLD}${q.question}${RESET}\n${rows.join('\n')}\n` +
        `${DIM}Enter to select · ↑/↓ to navigate · Esc to cancel${RESET}\n`,
    );
  };
  draw();
  for (;;) {
    const k = await key();
    if (k === '\x1b' || k === '\x03') return undefined;
    if (k === '\r' || k === '\n') {
      if (sel < typeAt) return choices[sel];
      if (sel === typeAt && text.trim()) {
        w('\n');
        return text.trim();
      }
      if (sel > typeAt) return undefined; // "Chat about this": the question is set aside
      continue;
    }
    if (k === '\x1b[A' || k === '\x1b[B') {
      sel = Math.max(0, Math.min(choices.length - 1, sel + (k === '\x1b[A' ? -1 : 1)));
    } else if (sel === typeAt && (k === '\x7f' || k === '\b')) {
      text = text.slice(0, -1);
    } else if (sel !== typeAt && /^[1-9]$/.test(k) && Number(k) <= choices.length) {
      const i = Number(k) - 1;
      if (i < typeAt) return choices[i];
      sel = i;
    } else if (k.length === 1 && k >= ' ') {
      sel = typeAt;
      text += k;
      w(k);
      continue;
    } else continue;
    draw();
  }
}

/** What the model is told (2.1.332's wording differs for a picked option and typed text). */
export function answerText(question: string, answer: string, typed: boolean): string {
  return typed
    ? `The user answered: "${question}"="${answer}". Read the answers carefully — they may request clarification, changes, or that you not proceed — and follow what they actually say.`
    : `Your questions have been answered: "${question}"="${answer}". You can now continue with these answers in mind.`;
}
