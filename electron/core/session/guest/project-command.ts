// A bootstrap command in the session copy in the VM whose failure does not stop the session: it
// is shown as a warning (the last lines of its output) and the session goes on, since fixing it
// is a fine first job for the agent.
import { quote } from '../../host/shell-quote';
import type { SshConnection } from '../../host/ssh';
import type { StepProgress } from '../pipeline';
import { PROJECT_DIR } from './claude-config';

/** True when `cmd` (built with shell-quote) exited 0 in PROJECT_DIR; else warned about. */
export async function projectCommand(
  ssh: SshConnection,
  progress: StepProgress,
  label: string,
  cmd: string,
  timeoutMs: number,
): Promise<boolean> {
  progress.hint(label);
  const r = await ssh
    .exec(`cd ${quote(PROJECT_DIR)} && ${cmd}`, { timeoutMs, signal: progress.signal })
    .catch((e: Error) => ({ code: -1, stdout: '', stderr: e.message }));
  if (r.code === 0) return true;
  const output = (r.stderr || r.stdout).trim().split('\n').slice(-15).join('\n');
  progress.warn({
    what: `${label} failed in the VM (exit ${r.code ?? 'signal'})`,
    why: output || 'no output',
    fix: 'The session goes on; ask the agent to fix it, or run it yourself with `clave exec`.',
  });
  return false;
}
