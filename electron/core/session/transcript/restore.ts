// Puts a saved conversation back where Claude looks for it in the new VM
// (`~/.claude/projects/-srv-project/`), before Claude starts. Every VM mounts the copy at the same
// /srv/project, so the file resumes unchanged (contracts/claude-code.md §9).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { command } from '../../host/shell-quote';
import type { SshConnection } from '../../host/ssh';
import { GUEST_TRANSCRIPT_DIR, type SavedTranscript, type TranscriptStore } from './store';

type VmFiles = Pick<SshConnection, 'run' | 'writeFile'>;

export async function restoreTranscript(
  ssh: VmFiles,
  store: TranscriptStore,
  sessionId: string,
  saved: SavedTranscript,
): Promise<void> {
  // Relative to the VM user's home, where commands run; created owner-only.
  const base = GUEST_TRANSCRIPT_DIR.slice(2);
  const dirs = ['.claude', base, ...saved.dirs.map((d) => `${base}/${d}`)];
  await ssh.run(
    `umask 077 && ${command(['mkdir', '-p', '--', ...dirs])}`,
    "Could not make the folder for the agent's conversation in the VM",
    { timeoutMs: 15_000 },
  );
  for (const rel of saved.files) {
    const data = await readFile(path.join(store.dir(sessionId), rel));
    await ssh.writeFile(`${GUEST_TRANSCRIPT_DIR}/${rel}`, data, { mode: 0o600 });
  }
}
