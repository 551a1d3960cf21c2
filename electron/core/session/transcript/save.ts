// Saves a running session's conversation from its VM (over its ssh connection, sftp) into the
// data dir: Claude's `<sid>.jsonl` and its sidecar folder, nothing else — regular files only, a
// symlink is never followed (one could point at ~/.claude/.credentials.json), names checked,
// sizes bounded. Called before the VM stops, and by the host after each agent turn.
import { writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { RemoteEntry, SshConnection } from '../../host/ssh';
import { StepAbort } from '../problem';
import {
  CLAUDE_SESSION_ID,
  GUEST_TRANSCRIPT_DIR,
  MAX_SIDECAR_DEPTH,
  MAX_SIDECAR_FILES,
  MAX_TRANSCRIPT_BYTES,
  type TranscriptStore,
} from './store';

export interface SavedSize {
  claudeSessionId: string;
  bytes: number;
}

type VmFiles = Pick<SshConnection, 'listDir' | 'readFile'>;

/**
 * Which conversation is the session's: the id Claude reported (SessionStart) when its file is
 * there, else the newest `*.jsonl` in the project folder (the id was not heard, or a resume fell
 * back to a fresh conversation).
 */
export function pickConversation(entries: RemoteEntry[], known: string | null): string | null {
  const conversations = entries
    .filter((e) => e.kind === 'file' && e.name.endsWith('.jsonl'))
    .map((e) => ({ id: e.name.slice(0, -'.jsonl'.length), mtimeMs: e.mtimeMs }))
    .filter((c) => CLAUDE_SESSION_ID.test(c.id));
  if (known && conversations.some((c) => c.id === known)) return known;
  conversations.sort((a, b) => b.mtimeMs - a.mtimeMs);
  return conversations[0]?.id ?? null;
}

const tooBig = (why: string) =>
  new StepAbort({
    what: "The agent's conversation was not saved: it is too large",
    why,
    fix: 'The session copy is kept as always; resuming it starts a new conversation (or the last one saved).',
  });

/** Saves the conversation; null when the VM has none (Claude never got to write one). */
export async function saveTranscript(
  ssh: VmFiles,
  store: TranscriptStore,
  sessionId: string,
  known: string | null,
): Promise<SavedSize | null> {
  const entries = await ssh.listDir(GUEST_TRANSCRIPT_DIR);
  if (!entries) return null;
  const sid = pickConversation(entries, known);
  if (!sid) return null;
  const sidecar = entries.find((e) => e.name === sid && e.kind === 'dir');
  const tmp = await store.begin(sessionId);
  let bytes = 0;
  let files = 0;
  const copy = async (rel: string) => {
    const data = await ssh
      .readFile(`${GUEST_TRANSCRIPT_DIR}/${rel}`, MAX_TRANSCRIPT_BYTES - bytes)
      .catch((e: unknown) => {
        if (/ is over \d+ bytes/.test((e as { why?: string }).why ?? ''))
          throw tooBig(`It is over ${MAX_TRANSCRIPT_BYTES / 1024 / 1024} MiB.`);
        throw e;
      });
    bytes += data.length;
    await writeFile(path.join(tmp, rel), data, { mode: 0o600 });
  };
  const walk = async (rel: string, depth: number): Promise<void> => {
    if (depth > MAX_SIDECAR_DEPTH) throw tooBig(`Its folder nests over ${MAX_SIDECAR_DEPTH} deep.`);
    await mkdir(path.join(tmp, rel), { mode: 0o700 });
    for (const e of (await ssh.listDir(`${GUEST_TRANSCRIPT_DIR}/${rel}`)) ?? []) {
      // sftp names are single components; these are the ones a file system would misread.
      if (e.name.includes('/') || e.name.includes('\0')) continue;
      const child = `${rel}/${e.name}`;
      if (e.kind === 'dir') await walk(child, depth + 1);
      else if (e.kind === 'file') {
        if (++files > MAX_SIDECAR_FILES)
          throw tooBig(`Its folder holds over ${MAX_SIDECAR_FILES} files.`);
        await copy(child);
      }
    }
  };
  try {
    await copy(`${sid}.jsonl`);
    if (sidecar) await walk(sid, 1);
    await store.commit(sessionId, tmp);
  } catch (e) {
    await store.abandon(tmp);
    throw e;
  }
  return { claudeSessionId: sid, bytes };
}
