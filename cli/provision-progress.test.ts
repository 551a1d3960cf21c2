import { describe, expect, it } from 'vitest';
import type { ProvisionEvent } from '../shared/api';
import {
  createTerminalProgress,
  initialProgress,
  reduceProgress,
  renderProgressBar,
} from './provision-progress';

const events: ProvisionEvent[] = [
  {
    type: 'phase',
    phase: 'clone',
    message: 'Cloning ghcr.io/cirruslabs/ubuntu:latest',
    fraction: 0.01,
  },
  { type: 'output', source: 'tart', line: 'pulling disk (2.1 GB compressed)...' },
  { type: 'phase', phase: 'script', message: 'Running the provisioning script', fraction: 0.18 },
  {
    type: 'step',
    index: 3,
    total: 12,
    id: 'php',
    title: 'Installing PHP 8.4 and extensions',
    fraction: 0.31,
  },
  { type: 'output', source: 'guest', line: '::clave::ok php 3s' },
  { type: 'output', source: 'guest', line: 'Setting up php8.4-fpm (8.4.1-1) ...' },
  { type: 'phase', phase: 'shutdown', message: 'Shutting down', fraction: 0.95 },
];

describe('progress', () => {
  it('folds events into a never-decreasing fraction, a label and the current step', () => {
    const states = events.reduce(
      (acc, e) => [...acc, reduceProgress(acc.at(-1) ?? initialProgress, e)],
      [initialProgress],
    );
    expect(states.map((s) => s.fraction)).toEqual([0, 0.01, 0.01, 0.18, 0.31, 0.31, 0.31, 0.95]);
    expect(states[4]).toMatchObject({
      label: 'Installing PHP 8.4 and extensions',
      step: { index: 3, total: 12 },
    });
    expect(states[5]?.lastOutput).toBe('pulling disk (2.1 GB compressed)...');
    expect(states[6]?.lastOutput).toBe('Setting up php8.4-fpm (8.4.1-1) ...');
    expect(states[7]?.step).toBeNull();
    const late = reduceProgress(states[7]!, {
      type: 'phase',
      phase: 'boot',
      message: 'x',
      fraction: 0.1,
    });
    expect(late.fraction).toBe(0.95);
  });

  it('renders a bar with percent, label and step, cut to the terminal width', () => {
    const state = {
      ...initialProgress,
      fraction: 0.5,
      label: 'Installing PHP',
      step: { index: 3, total: 12 },
    };
    expect(renderProgressBar(state, 80, 10)).toBe('[#####-----]  50%  Installing PHP (3/12)');
    expect(renderProgressBar({ ...state, fraction: 1.4 }, 80, 4)).toBe(
      '[####] 100%  Installing PHP (3/12)',
    );
    const narrow = renderProgressBar(state, 20, 10);
    expect(narrow).toHaveLength(20);
    expect(narrow.endsWith('…')).toBe(true);
  });

  it('redraws one line on a TTY and prints one line per step on a pipe', () => {
    const tty: string[] = [];
    const p1 = createTerminalProgress({ write: (t) => tty.push(t), isTTY: true, columns: 100 });
    const pipe: string[] = [];
    const p2 = createTerminalProgress({ write: (t) => pipe.push(t) });
    for (const e of events) {
      p1.onProgress(e);
      p2.onProgress(e);
    }
    p1.finish('done');
    p2.finish('done');
    expect(tty.every((t) => !t.includes('\n') || t === 'done\n')).toBe(true);
    expect(tty.filter((t) => t.startsWith('\r\x1b[2K['))).toHaveLength(4);
    expect(tty.at(-1)).toBe('done\n');
    expect(pipe).toEqual([
      '[------------------------]   1%  Cloning ghcr.io/cirruslabs/ubuntu:latest\n',
      '[####--------------------]  18%  Running the provisioning script\n',
      '[#######-----------------]  31%  Installing PHP 8.4 and extensions (3/12)\n',
      '[#######################-]  95%  Shutting down\n',
      'done\n',
    ]);
  });

  it('prints guest output in verbose mode, keeping the bar below it', () => {
    const out: string[] = [];
    const p = createTerminalProgress({ write: (t) => out.push(t), isTTY: true }, { verbose: true });
    for (const e of events) p.onProgress(e);
    expect(out).toContain('  Setting up php8.4-fpm (8.4.1-1) ...\n');
    const i = out.indexOf('  Setting up php8.4-fpm (8.4.1-1) ...\n');
    expect(out[i - 1]).toBe('\r\x1b[2K');
    expect(out[i + 1]?.startsWith('\r\x1b[2K[')).toBe(true);
  });
});
