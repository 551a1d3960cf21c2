// `clave provision`'s progress: folds the host's provision.progress events into a state
// (fraction + what is happening) and renders it as a one-line bar for a terminal.
import type { ProvisionEvent } from '../shared/api';

export interface ProvisionProgress {
  /** 0 … 1, never decreasing. */
  fraction: number;
  /** What is happening now, e.g. "Installing PHP 8.4 and extensions". */
  label: string;
  /** The script section, when the script is running. */
  step: { index: number; total: number } | null;
  /** The last line of output (apt, npm, …), for a detail line. */
  lastOutput: string;
}

export const initialProgress: ProvisionProgress = {
  fraction: 0,
  label: 'Starting',
  step: null,
  lastOutput: '',
};

export function reduceProgress(state: ProvisionProgress, event: ProvisionEvent): ProvisionProgress {
  switch (event.type) {
    case 'phase':
      return {
        ...state,
        fraction: Math.max(state.fraction, event.fraction),
        label: event.message,
        step: event.phase === 'script' ? state.step : null,
      };
    case 'step':
      return {
        ...state,
        fraction: Math.max(state.fraction, event.fraction),
        label: event.title,
        step: { index: event.index, total: event.total },
      };
    case 'output':
      return event.line.trim() === '' || event.line.startsWith('::clave::')
        ? state
        : { ...state, lastOutput: event.line };
    case 'cleanup':
      return { ...state, label: event.message, step: null };
  }
}

/** `[#########-----------]  45%  Installing PHP 8.4 and extensions (3/12)`, cut to `columns`. */
export function renderProgressBar(state: ProvisionProgress, columns = 80, barWidth = 24): string {
  const fraction = Math.min(1, Math.max(0, state.fraction));
  const filled = Math.round(fraction * barWidth);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]`;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const step = state.step ? ` (${state.step.index}/${state.step.total})` : '';
  return truncate(`${bar} ${percent}  ${state.label}${step}`, columns);
}

export interface TerminalLike {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface TerminalProgress {
  onProgress(event: ProvisionEvent): void;
  /** Finish the bar line (call once at the end, success or not). */
  finish(message?: string): void;
}

/**
 * A progress bar that redraws itself on a TTY; on a pipe or a log, one line per phase and step.
 * With `verbose`, every output line of the guest is printed too.
 */
export function createTerminalProgress(
  out: TerminalLike,
  options: { verbose?: boolean } = {},
): TerminalProgress {
  let state = initialProgress;
  let drawn = false;
  const tty = out.isTTY === true;
  const redraw = () => {
    out.write(`\r\x1b[2K${renderProgressBar(state, Math.max(20, (out.columns ?? 80) - 1))}`);
    drawn = true;
  };
  const clear = () => {
    if (drawn) out.write('\r\x1b[2K');
    drawn = false;
  };
  return {
    onProgress(event) {
      const before = state;
      state = reduceProgress(state, event);
      if (options.verbose && event.type === 'output') {
        if (tty) clear();
        out.write(`  ${event.line}\n`);
        if (tty) redraw();
        return;
      }
      if (tty) {
        if (state.label !== before.label || state.fraction !== before.fraction) redraw();
      } else if (event.type === 'phase' || event.type === 'step' || event.type === 'cleanup') {
        out.write(`${renderProgressBar(state, 200)}\n`);
      }
    },
    finish(message) {
      if (tty) clear();
      if (message !== undefined) out.write(`${message}\n`);
    },
  };
}

function truncate(text: string, columns: number): string {
  return text.length <= columns ? text : `${text.slice(0, Math.max(0, columns - 1))}…`;
}
