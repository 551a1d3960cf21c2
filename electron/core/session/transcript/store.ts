// Saved conversations on this Mac: `<data>/transcripts/<session id>/` holds Claude Code's
// `<claude session id>.jsonl` and its sidecar folder `<claude session id>/`, as they were in the
// VM (contracts/claude-code.md §9) — only those, never credentials. The folder is Clave's own
// (inside its data dir), so no ledger entry is needed to prove it; cleanup removes the folders of
// sessions that have no record any more.
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_DIR } from '../../vm/guest';

/** Claude Code's session ids are UUIDs; anything else from the VM is refused as a file name. */
export const CLAUDE_SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/** Where Claude keeps the project's conversations in the VM: the cwd with non-alphanumerics as -. */
export const GUEST_TRANSCRIPT_DIR = `~/.claude/projects/${PROJECT_DIR.replace(/[^a-zA-Z0-9]/g, '-')}`;

/**
 * Bounds of one saved conversation: the real 2.1.332 writes ~157 KB per short turn, so 64 MiB is
 * hundreds of turns; a bigger one is not saved (the earlier save stays) rather than cut.
 */
export const MAX_TRANSCRIPT_BYTES = 64 * 1024 * 1024;
/** Files in the sidecar folder (subagent transcripts), and how deep it may nest. */
export const MAX_SIDECAR_FILES = 2000;
export const MAX_SIDECAR_DEPTH = 4;

/** A saved conversation: paths relative to the transcript folder, as they go back into the VM. */
export interface SavedTranscript {
  claudeSessionId: string;
  /** `<sid>.jsonl` first, then the sidecar's files (`<sid>/…`). */
  files: string[];
  /** The sidecar's folders (`<sid>`, `<sid>/subagents`, …), parents first. */
  dirs: string[];
  bytes: number;
}

export class TranscriptStore {
  constructor(readonly root: string) {}

  dir(sessionId: string): string {
    return path.join(this.root, sessionId);
  }

  /**
   * Makes the folder for a new save: written aside, then swapped in by `commit`, so a save cut
   * short never leaves a half conversation where the last good one was.
   */
  async begin(sessionId: string): Promise<string> {
    await mkdir(this.root, { recursive: true, mode: 0o700 });
    const tmp = path.join(this.root, `.${sessionId}.tmp-${randomBytes(4).toString('hex')}`);
    await mkdir(tmp, { mode: 0o700 });
    return tmp;
  }

  async commit(sessionId: string, tmp: string): Promise<void> {
    const target = this.dir(sessionId);
    const old = path.join(this.root, `.${sessionId}.old-${randomBytes(4).toString('hex')}`);
    const had = await rename(target, old).then(
      () => true,
      () => false,
    );
    await rename(tmp, target);
    if (had) await rm(old, { recursive: true, force: true });
  }

  async abandon(tmp: string): Promise<void> {
    await rm(tmp, { recursive: true, force: true });
  }

  /** The saved conversation of a session (the given Claude session id's), or null. */
  async load(sessionId: string, claudeSessionId: string): Promise<SavedTranscript | null> {
    if (!CLAUDE_SESSION_ID.test(claudeSessionId)) return null;
    const dir = this.dir(sessionId);
    const jsonl = `${claudeSessionId}.jsonl`;
    const head = await lstat(path.join(dir, jsonl)).catch(() => null);
    if (!head?.isFile()) return null;
    const saved: SavedTranscript = { claudeSessionId, files: [jsonl], dirs: [], bytes: head.size };
    const walk = async (rel: string): Promise<void> => {
      saved.dirs.push(rel);
      for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
        const child = path.posix.join(rel, e.name);
        if (e.isDirectory()) await walk(child);
        else if (e.isFile()) {
          saved.files.push(child);
          saved.bytes += (await lstat(path.join(dir, child))).size;
        }
      }
    };
    if ((await lstat(path.join(dir, claudeSessionId)).catch(() => null))?.isDirectory())
      await walk(claudeSessionId);
    return saved;
  }

  /**
   * Why the saved `<sid>.jsonl` cannot be resumed, or null when it can: every line but a torn
   * last one is a JSON object, and the conversation is that session's.
   */
  async unreadable(sessionId: string, claudeSessionId: string): Promise<string | null> {
    const file = path.join(this.dir(sessionId), `${claudeSessionId}.jsonl`);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      return `It could not be read (${(e as Error).message}).`;
    }
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    let ours = false;
    for (const [i, line] of lines.entries()) {
      let entry: unknown;
      try {
        entry = JSON.parse(line);
      } catch {
        if (i === lines.length - 1 && i > 0) break; // a torn last line, as after a crash
        return `Line ${i + 1} is not JSON.`;
      }
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
        return `Line ${i + 1} is not a JSON object.`;
      if ((entry as { sessionId?: unknown }).sessionId === claudeSessionId) ours = true;
    }
    return ours ? null : `No line of it belongs to the conversation ${claudeSessionId}.`;
  }

  async remove(sessionId: string): Promise<void> {
    await rm(this.dir(sessionId), { recursive: true, force: true });
  }

  /** Removes the saved conversations (and cut-short saves) of sessions not in `keep`. */
  async sweep(keep: ReadonlySet<string>): Promise<string[]> {
    const names = await readdir(this.root).catch(() => [] as string[]);
    const removed: string[] = [];
    for (const name of names) {
      // `.<id>.tmp-…` / `.<id>.old-…` belong to their session: it may be saving right now.
      const id = name.startsWith('.') ? (name.slice(1).split('.')[0] ?? '') : name;
      if (keep.has(id)) continue;
      await rm(path.join(this.root, name), { recursive: true, force: true });
      removed.push(name);
    }
    return removed;
  }
}
