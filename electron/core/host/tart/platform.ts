// The host platform check tart needs (Apple Silicon, not under Rosetta).
import { runTool } from '../run-tool';

export async function appleSiliconUnderRosetta(): Promise<boolean> {
  const r = await runTool('/usr/sbin/sysctl', ['-n', 'hw.optional.arm64'], {
    env: { PATH: '/usr/bin:/bin:/usr/sbin:/sbin' },
    timeoutMs: 5000,
  });
  return r.exitCode === 0 && r.stdout.trim() === '1';
}
