// Renders pipeline progress events as lines on a terminal: one line per finished step with its
// time, hints in grey while a step runs, warnings and the failing step's problem in full.
import type { PipelineEvent, Problem } from '../shared/session';

const tty = process.stderr.isTTY;
const c = (code: string, s: string) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
export const dim = (s: string) => c('2', s);
export const red = (s: string) => c('31', s);
export const green = (s: string) => c('32', s);
export const yellow = (s: string) => c('33', s);

export function formatProblemLines(p: Problem, indent = '  '): string[] {
  return [
    p.what,
    ...(p.why ? [`${indent}${dim('why:')} ${p.why}`] : []),
    ...(p.fix ? [`${indent}${dim('fix:')} ${p.fix}`] : []),
  ];
}

export function createProgressRenderer(
  write: (line: string) => void = (l) => process.stderr.write(l + '\n'),
) {
  const labels = new Map<string, string>();
  return (event: PipelineEvent) => {
    switch (event.type) {
      case 'pipeline-started':
        for (const s of event.steps) labels.set(s.name, s.label);
        break;
      case 'step-started':
        if (tty) process.stderr.write(dim(`  … ${event.label}`) + '\r');
        break;
      case 'step-hint':
        if (tty)
          process.stderr.write(
            '\x1b[2K' + dim(`  … ${labels.get(event.step)}: ${event.message}`) + '\r',
          );
        break;
      case 'step-warning': {
        const [first, ...rest] = formatProblemLines(event.problem, '    ');
        write(`${tty ? '\x1b[2K' : ''}${yellow('  ! ')}${first}`);
        for (const l of rest) write(l);
        break;
      }
      case 'step-finished':
        write(
          `${tty ? '\x1b[2K' : ''}${green('  ✓')} ${labels.get(event.step)} ${dim(`(${(event.ms / 1000).toFixed(1)} s)`)}`,
        );
        break;
      case 'step-failed': {
        write(
          `${tty ? '\x1b[2K' : ''}${red('  ✗')} ${labels.get(event.step)} ${dim(`(${(event.ms / 1000).toFixed(1)} s)`)}`,
        );
        const [first, ...rest] = formatProblemLines(event.problem, '    ');
        write(`    ${red(first ?? '')}`);
        for (const l of rest) write(l);
        break;
      }
      case 'pipeline-finished':
        break;
    }
  };
}
