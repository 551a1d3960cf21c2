// Preflight 4: Claude needs exactly one credential: API key, OAuth token from the environment,
// or the token stored by `clave auth`.
import type { Step } from '../pipeline';
import { StepAbort } from '../problem';
import type { SessionContext } from '../context';

export const checkClaudeAuthentication: Step<SessionContext> = {
  name: 'check-claude-auth',
  label: 'Check Claude authentication',
  async run(ctx, progress) {
    const auth = await ctx.deps.auth.resolve();
    if (!auth) {
      throw new StepAbort({
        what: 'Claude Code is not authenticated',
        why: 'No ANTHROPIC_API_KEY, no CLAUDE_CODE_OAUTH_TOKEN and no stored token.',
        fix: 'Run `clave auth` once (it runs `claude setup-token`), or set ANTHROPIC_API_KEY.',
      });
    }
    ctx.auth = { kind: auth.kind, value: auth.value };
    progress.hint(`${auth.kind} from ${auth.source}`);
  },
};
