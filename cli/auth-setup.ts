// `clave auth`: runs the host's `claude setup-token` in a PTY attached to this terminal,
// captures the printed token (hidden on screen) and stores it for future sessions.
import { FileSecretStore } from '../electron/core/host/secret-store';
import { ClaudeAuth } from '../electron/core/host/claude-auth';
import type { DataPaths } from '../electron/core/config/paths';

export async function setupAuth(paths: DataPaths): Promise<number> {
  const auth = new ClaudeAuth({ store: new FileSecretStore(paths.secrets) });
  const stdin = process.stdin;
  const session = await auth.setupToken({
    cols: process.stdout.columns || 80,
    rows: process.stdout.rows || 24,
    onData: (d) => process.stdout.write(d),
  });
  const onInput = (b: Buffer) => session.write(b.toString('utf8'));
  const onResize = () => session.resize(process.stdout.columns || 80, process.stdout.rows || 24);
  if (stdin.isTTY) stdin.setRawMode(true);
  stdin.on('data', onInput);
  stdin.resume();
  process.stdout.on('resize', onResize);
  try {
    const status = await session.result;
    if (status.authenticated)
      process.stdout.write(`\nStored: ${status.method} (${status.hint}). New sessions use it.\n`);
    return 0;
  } finally {
    stdin.off('data', onInput);
    process.stdout.off('resize', onResize);
    if (stdin.isTTY) stdin.setRawMode(false);
    stdin.pause();
  }
}
