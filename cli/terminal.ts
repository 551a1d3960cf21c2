// Attaches this process's terminal to a terminal in a session's VM: raw input goes to the VM,
// output (the VM's bytes, as they came) is written here and acknowledged only once written (flow
// control back to the ssh channel).
import type { ClaveApi, TerminalKind } from '../shared/api';
import { inputPieces } from '../shared/terminal-input';

export interface AttachOptions {
  sessionId: string;
  kind: TerminalKind;
  command?: string[];
}

/** Resolves with the remote exit code when the terminal ends (agent exit, tmux detach, command done). */
export async function attachTerminal(
  api: ClaveApi,
  options: AttachOptions,
): Promise<number | null> {
  const stdin = process.stdin;
  const stdout = process.stdout;
  const interactive = stdin.isTTY && stdout.isTTY;
  const size = () => ({ cols: stdout.columns || 80, rows: stdout.rows || 24 });
  let terminalId: string | null = null;
  const early: { terminalId: string; data: Uint8Array }[] = [];
  // A quick command can end before terminal.open has answered: its exit waits here with its output.
  const earlyExits = new Map<string, number | null>();

  return new Promise<number | null>((resolve, reject) => {
    const offData = api.on('terminal.data', (e) => {
      if (terminalId === null) return void early.push(e);
      if (e.terminalId !== terminalId) return;
      write(e.data);
    });
    const offExit = api.on('terminal.exit', (e) => {
      if (terminalId === null) return void earlyExits.set(e.terminalId, e.exitCode);
      if (e.terminalId !== terminalId) return;
      cleanup();
      resolve(e.exitCode);
    });
    const write = (data: Uint8Array) => {
      stdout.write(
        data,
        () =>
          void api
            .call('terminal.ack', { terminalId: terminalId!, bytes: data.length })
            .catch(() => {}),
      );
    };
    const onInput = (chunk: Buffer) => {
      if (!terminalId) return;
      for (const data of inputPieces(chunk.toString('utf8')))
        void api.call('terminal.write', { terminalId, data }).catch(() => {});
    };
    const onResize = () => {
      if (terminalId) void api.call('terminal.resize', { terminalId, ...size() }).catch(() => {});
    };
    const cleanup = () => {
      offData();
      offExit();
      stdin.off('data', onInput);
      stdout.off('resize', onResize);
      if (interactive) stdin.setRawMode(false);
      stdin.pause();
    };

    api
      .call('terminal.open', {
        sessionId: options.sessionId,
        kind: options.kind,
        pty: interactive || options.kind !== 'exec',
        ...(options.command ? { command: options.command } : {}),
        ...size(),
      })
      .then(
        ({ terminalId: id }) => {
          terminalId = id;
          for (const e of early.splice(0)) if (e.terminalId === id) write(e.data);
          if (earlyExits.has(id)) {
            // Resolved once what it printed is written (the write callbacks run in order).
            const code = earlyExits.get(id)!;
            stdout.write('', () => {
              cleanup();
              resolve(code);
            });
            return;
          }
          if (interactive) stdin.setRawMode(true);
          // A piped `clave exec` gets no input: the remote command must not wait on our stdin.
          if (interactive || options.kind !== 'exec') {
            stdin.on('data', onInput);
            stdin.resume();
          }
          stdout.on('resize', onResize);
        },
        (e: unknown) => {
          cleanup();
          reject(e);
        },
      );
  });
}
