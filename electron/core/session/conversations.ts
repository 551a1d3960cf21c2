// The agents' saved conversations, as the session host uses them: saved from a session's VM (one
// save at a time per session, never waiting on a hung VM for long), removed with the session's
// record, and swept for records that are gone. Kept copies' disk use is measured here too: both
// are the sizes a kept session lists.
import type { SshConnection } from '../host/ssh';
import { diskUsage } from '../host/disk-usage';
import { settlesWithin } from '../host/retry';
import type { SessionDeps } from './deps';
import { StepAbort } from './problem';
import { saveTranscript, type SavedSize } from './transcript/save';
import { TranscriptStore } from './transcript/store';

/** A save reads at most 64 MiB over the VM's own network: 30 s is plenty, a hang is not. */
export const SAVE_TIMEOUT_MS = 30_000;

export class Conversations {
  readonly store: TranscriptStore;
  private readonly saving = new Map<string, Promise<unknown>>();

  constructor(
    private readonly deps: SessionDeps,
    private readonly publish: (id: string) => void,
  ) {
    this.store = new TranscriptStore(deps.paths.transcripts);
  }

  /**
   * Saves the session's conversation from its VM and records its id and size; null when the VM
   * has none yet. Saves of one session run one after another (the last one wins).
   */
  save(id: string, ssh: SshConnection): Promise<SavedSize | null> {
    const before = this.saving.get(id) ?? Promise.resolve();
    const next = before
      .catch(() => {})
      .then(() => this.saveNow(id, ssh))
      .finally(() => {
        if (this.saving.get(id) === next) this.saving.delete(id);
      });
    this.saving.set(id, next);
    return next;
  }

  private async saveNow(id: string, ssh: SshConnection): Promise<SavedSize | null> {
    const r = this.deps.sessions.get(id);
    if (!r || ssh.closed) return null;
    const work = saveTranscript(ssh, this.store, id, r.claudeSessionId);
    if (!(await settlesWithin(work, SAVE_TIMEOUT_MS))) {
      throw new StepAbort({
        what: "The agent's conversation was not saved",
        why: `Reading it from the VM took over ${SAVE_TIMEOUT_MS / 1000} s.`,
        fix: 'The session copy is kept as always; resuming it starts from the last conversation saved, if any.',
      });
    }
    const saved = await work;
    if (!saved || !this.deps.sessions.get(id)) return saved;
    this.deps.sessions.update(id, {
      claudeSessionId: saved.claudeSessionId,
      transcriptBytes: saved.bytes,
    });
    this.publish(id);
    return saved;
  }

  /** The session's record is gone (ended, merged, discarded): its conversation goes too. */
  async forget(id: string): Promise<void> {
    await this.saving.get(id)?.catch(() => {});
    if (!this.deps.sessions.get(id)) await this.store.remove(id);
  }

  /** Removes saved conversations whose session has no record (cleanup after a crash). */
  sweep(): Promise<string[]> {
    const ids = new Set(this.deps.sessions.list().map((r) => r.id));
    return this.store.sweep(ids);
  }

  /** Measures a kept session's copy in the background and records it (never blocks a caller). */
  measure(id: string): void {
    const r = this.deps.sessions.get(id);
    if (r?.state !== 'kept' || !r.worktreeDir) return;
    void diskUsage(r.worktreeDir)
      .then((bytes) => {
        const now = this.deps.sessions.get(id);
        if (bytes === null || now?.state !== 'kept') return;
        this.deps.sessions.update(id, { diskBytes: bytes });
        this.publish(id);
      })
      .catch(() => {});
  }
}
