// Resume 1 (before RunClaudeCode): the kept session's saved conversation goes back into the new
// VM, so Claude starts with `--resume <id>`. Missing or unreadable → a warning, and Claude starts
// a new conversation in the same copy: the work is there either way.
import { need } from '../need';
import type { Step } from '../pipeline';
import type { SessionContext } from '../context';
import { restoreTranscript } from '../transcript/restore';
import { TranscriptStore } from '../transcript/store';

const FRESH = 'Claude starts a new conversation in the same session copy: the work is all there.';

export const restoreConversation: Step<SessionContext> = {
  name: 'restore-conversation',
  label: "Restore the agent's conversation",
  async run(ctx, progress) {
    const ssh = need(ctx, 'ssh', restoreConversation);
    const store = new TranscriptStore(ctx.deps.paths.transcripts);
    const sid = ctx.deps.sessions.get(ctx.id)?.claudeSessionId ?? null;
    const saved = sid ? await store.load(ctx.id, sid) : null;
    if (!sid || !saved) {
      progress.warn({
        what: 'Resumed without the earlier conversation: none was saved',
        why: sid
          ? `The saved conversation ${sid} is not in ${store.dir(ctx.id)}.`
          : 'Clave never learned which conversation the agent had (it ended before Claude wrote one, or its VM was lost first).',
        fix: FRESH,
      });
      return;
    }
    const why = await store.unreadable(ctx.id, sid);
    if (why) {
      progress.warn({
        what: 'Resumed without the earlier conversation: the saved one is unreadable',
        why: `${store.dir(ctx.id)}/${sid}.jsonl: ${why}`,
        fix: FRESH,
      });
      return;
    }
    progress.hint(`${saved.files.length} file(s), ${saved.bytes} bytes`);
    await restoreTranscript(ssh, store, ctx.id, saved);
    ctx.resumeConversation = sid;
  },
};
