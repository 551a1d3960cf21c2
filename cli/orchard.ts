// `clave orchard [status|connect|disconnect]`: the Orchard controller sessions may run on. The
// token is never an argument (argv is visible to every user of the Mac in `ps`): it is read from
// stdin when piped, else asked for without echo.
import { createInterface } from 'node:readline/promises';
import type { ClaveApi, OrchardStatus } from '../shared/api';
import type { Command } from './args';
import { formatProblemLines, green, red } from './progress';

type OrchardCommand = Extract<Command, { name: 'orchard' }>;

/** The most a token may be (as the API's orchard.connect accepts). */
const MAX_TOKEN = 4096;

export async function orchardCommand(api: ClaveApi, cmd: OrchardCommand): Promise<number> {
  let status: OrchardStatus;
  if (cmd.action === 'connect') {
    const url = cmd.url ?? (await ask('Controller URL (e.g. http://127.0.0.1:6120/v1): '));
    const serviceAccount = cmd.account ?? (await ask('Service account: '));
    if (!url || !serviceAccount) {
      process.stderr.write('clave: clave orchard connect needs --url and --account\n');
      return 64;
    }
    const token = await readToken(`Token for ${serviceAccount}: `);
    if (!token) {
      process.stderr.write('clave: no token given (pipe it to stdin, or type it when asked)\n');
      return 64;
    }
    status = await api.call('orchard.connect', { url, serviceAccount, token });
  } else if (cmd.action === 'disconnect') {
    status = await api.call('orchard.disconnect', {});
  } else {
    status = await api.call('orchard.status', { probe: true });
  }
  if (cmd.json) process.stdout.write(JSON.stringify(status) + '\n');
  else for (const line of statusLines(status, cmd.action)) process.stdout.write(line + '\n');
  if (cmd.action === 'disconnect') return 0;
  return status.configured && status.reachable !== false ? 0 : 1;
}

export function statusLines(s: OrchardStatus, action: OrchardCommand['action']): string[] {
  const from = s.source === 'env' ? 'the environment' : 'settings';
  const lines: string[] = [];
  if (action === 'disconnect') lines.push('Stored Orchard token removed.');
  if (s.configured) {
    const state =
      s.reachable === true
        ? green('the controller answers')
        : s.reachable === false
          ? red('the controller does not answer')
          : 'saved';
    lines.push(`Orchard: ${s.serviceAccount} at ${s.url} (from ${from}): ${state}`);
  } else lines.push(`Orchard: not set up${s.url ? ` (${s.url}, from ${from})` : ''}`);
  if (s.problem) lines.push(...formatProblemLines(s.problem));
  return lines;
}

async function ask(question: string): Promise<string> {
  if (!process.stdin.isTTY) return '';
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

/** The token: all of stdin when piped, else typed at a prompt that shows nothing. */
async function readToken(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    let text = '';
    for await (const chunk of stdin) {
      text += String(chunk);
      if (text.length > MAX_TOKEN + 2) break;
    }
    return text.trim().slice(0, MAX_TOKEN + 1);
  }
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  try {
    return await new Promise<string>((resolve) => {
      let typed = '';
      const onData = (b: Buffer) => {
        for (const ch of b.toString('utf8')) {
          if (ch === '\r' || ch === '\n' || ch === '\u0004') {
            stdin.off('data', onData);
            return resolve(typed.trim());
          }
          // Ctrl-C: give up, as the shell would.
          if (ch === '\u0003') {
            stdin.off('data', onData);
            return resolve('');
          }
          if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
          else if (typed.length <= MAX_TOKEN) typed += ch;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write('\n');
  }
}
