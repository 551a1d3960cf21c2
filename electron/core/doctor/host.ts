// Apple silicon and a macOS that Tart supports. Off a Mac this is not a failure: Clave's core runs
// on Linux against the simulated VM host (the demo, the tests), and the Tart check below says
// whether the `tart` found there can actually run VMs.
import { runTool } from '../host/run-tool';
import { appleSiliconUnderRosetta } from '../host/tart';
import type { Check, CheckOutcome } from './check';

export interface HostFacts {
  platform: NodeJS.Platform;
  arch: string;
  /** `sw_vers -productVersion`, e.g. 15.1; null when unknown. */
  macosVersion: string | null;
  /** An x64 process on Apple silicon (Rosetta) still has a Mac that runs VMs. */
  underRosetta: boolean;
}

export function judgeHost(f: HostFacts): CheckOutcome {
  if (f.platform !== 'darwin') {
    return {
      status: 'skip',
      detail: `Not a Mac (${f.platform} ${f.arch}): Apple’s virtualization is not here, so the tart on PATH is used as is — in the demo and the tests that is the simulated VM host.`,
    };
  }
  if (f.arch !== 'arm64' && !f.underRosetta) {
    return {
      status: 'fail',
      detail: 'This Mac has an Intel processor; Tart’s Linux VMs need Apple silicon (M1 or later).',
      fix: 'Run Clave on a Mac with Apple silicon.',
    };
  }
  const major = Number(f.macosVersion?.split('.')[0]);
  const chip = f.arch === 'arm64' ? 'Apple silicon' : 'Apple silicon (Clave runs under Rosetta)';
  if (!Number.isFinite(major) || major === 0)
    return {
      status: 'warn',
      detail: `${chip}; the macOS version could not be read.`,
      fix: 'Check that /usr/bin/sw_vers works.',
    };
  if (major < 13) {
    return {
      status: 'fail',
      detail: `${chip}, macOS ${f.macosVersion}: Tart needs macOS 13 (Ventura) or later.`,
      fix: 'Update macOS in System Settings → General → Software Update.',
    };
  }
  if (major < 14) {
    return {
      status: 'warn',
      detail: `${chip}, macOS ${f.macosVersion}: VMs run, but tart exec and the guest agent need macOS 14.`,
      fix: 'Update macOS in System Settings → General → Software Update.',
    };
  }
  return {
    status: 'ok',
    detail: `${chip}, macOS ${f.macosVersion}${major >= 15 ? ' (Local Network permission applies: see below)' : ''}`,
  };
}

export const hostCheck: Check = {
  id: 'host',
  name: 'Apple silicon and macOS',
  async run(ctx, signal) {
    let macosVersion: string | null = null;
    let underRosetta = false;
    if (ctx.platform === 'darwin') {
      const r = await runTool('/usr/bin/sw_vers', ['-productVersion'], {
        env: { PATH: '/usr/bin:/bin:/usr/sbin:/sbin' },
        timeoutMs: 5000,
        signal,
      });
      macosVersion = r.exitCode === 0 ? r.stdout.trim() : null;
      if (ctx.arch !== 'arm64') underRosetta = await appleSiliconUnderRosetta();
    }
    return judgeHost({ platform: ctx.platform, arch: ctx.arch, macosVersion, underRosetta });
  },
};
