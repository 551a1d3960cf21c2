// Turning tart's exit and stderr into a TartError a person can act on.
import { firstLine, tail } from '../errors';
import { TartError } from './errors';

export const PATTERNS = {
  missing: /does not exist|non-existent local VM/i,
  notRunning: /is not running/i,
  alreadyRunning: /is already running/i,
  isRunning: /VM "[^"]*" is running/i,
  exists: /already exists/i,
  noIp: /no IP address found/i,
  limit: /exceeds the system limit|maximum supported number of active virtual machines/i,
  diskFull:
    /no space left on device|not enough (free )?(disk )?space|isn['’]t enough space|ENOSPC|disk is full|out of disk space/i,
  appleSilicon:
    /virtualization is not (available|supported)|only (supported|available) on apple silicon/i,
};

export interface FailureInput {
  what: string;
  command: string;
  vm: string | undefined;
  target?: string | undefined;
  exitCode: number | undefined;
  stderr: string;
  stdout: string;
  waitSeconds?: number | undefined;
}

/**
 * Every tart command but pull and clone garbage-collects `$TART_HOME/tmp` first and, when that
 * fails, prints `Failed to perform garbage collection: <error>` to stderr and carries on (openai/tart
 * Sources/tart/Root.swift, runGarbageCollection). That line says nothing about the command's own
 * failure, so it never becomes the reason or decides the kind; `detail` keeps it.
 */
export function withoutGcNoise(stderr: string): string {
  return stderr
    .split(/\r?\n/)
    .filter((line) => !line.startsWith('Failed to perform garbage collection: '))
    .join('\n');
}

/** Map a failed tart call to a TartError (contract §0 exit codes and messages). */
export function classifyFailure(f: FailureInput): TartError {
  const stderr = withoutGcNoise(f.stderr);
  const text = `${stderr}\n${f.stdout}`;
  const said =
    firstLine(stderr) || firstLine(f.stdout) || `tart exited with ${f.exitCode ?? 'no status'}`;
  const detail = tail(`${f.stderr}\n${f.stdout}`);
  const vm = f.vm ?? 'the VM';
  const base = { what: f.what, detail };
  if (PATTERNS.limit.test(text)) {
    return new TartError({
      ...base,
      code: 'tart.vm-limit',
      why: `macOS refuses to run more VMs at once: ${said}`,
      fix: 'Stop another session (or any other Tart VM: `tart list`, then `tart stop <name>`) and try again.',
    });
  }
  if (PATTERNS.diskFull.test(text)) {
    return new TartError({
      ...base,
      code: 'tart.disk-full',
      why: `The disk is full: ${said}`,
      fix: 'Free some disk space (remove sessions you no longer need, old base VMs, or run `tart prune --entries caches --older-than 7`) and try again.',
    });
  }
  if (PATTERNS.missing.test(text)) {
    return new TartError({
      ...base,
      code: 'tart.vm-missing',
      why: `Tart has no VM named ${vm}.`,
      fix:
        f.command === 'clone'
          ? 'Build the base VM first (Provision in the Clave menu), then start the session again.'
          : 'It was deleted outside Clave; start a new session.',
    });
  }
  if (PATTERNS.noIp.test(text)) {
    return new TartError({
      ...base,
      code: 'tart.no-ip',
      why: `${vm} got no network address${f.waitSeconds === undefined ? '' : ` within ${f.waitSeconds} s`} (${said}).`,
      fix: 'If many VMs were started today, the Mac’s DHCP lease pool may be full: run `sudo rm /var/db/dhcpd_leases` (and see Tart’s FAQ on DHCPLeaseTimeSecs), then start the session again.',
    });
  }
  if (PATTERNS.alreadyRunning.test(text)) {
    return new TartError({
      ...base,
      code: 'tart.vm-already-running',
      why: `${vm} is already running.`,
      fix: 'Use the running VM, or stop it first (`tart stop`).',
    });
  }
  if (PATTERNS.notRunning.test(text)) {
    return new TartError({
      ...base,
      code: 'tart.vm-not-running',
      why: `${vm} is not running.`,
      fix: 'Start it first, or ignore this when cleaning up.',
    });
  }
  if (PATTERNS.isRunning.test(text)) {
    return new TartError({
      ...base,
      code: 'tart.vm-running',
      why: `${vm} is still running.`,
      fix: 'Stop it first (`tart stop`), then try again.',
    });
  }
  if (PATTERNS.exists.test(text)) {
    return new TartError({
      ...base,
      code: 'tart.vm-exists',
      why: `A VM named ${f.target ?? 'like that'} already exists.`,
      fix: 'Delete the old VM first, or choose another name.',
    });
  }
  if (PATTERNS.appleSilicon.test(text)) {
    return new TartError({
      ...base,
      code: 'tart.not-apple-silicon',
      why: `This Mac cannot run virtual machines: ${said}`,
      fix: 'Run Clave on a Mac with Apple silicon and macOS 13 or later (and not inside another VM).',
    });
  }
  return new TartError({
    ...base,
    code: 'tart.failed',
    why: said,
    fix:
      f.exitCode === 64
        ? 'Clave called tart wrongly; this is a bug, please report it.'
        : 'See the details; retry, or check `tart` in Terminal.',
  });
}

/** Decide from a finished `tart run` whether (and how) the VM failed. */
export function classifyRunExit(
  name: string,
  code: number | null,
  signal: string | null,
  log: string,
  logPath: string,
): TartError | null {
  const crashed = /guest has stopped the virtual machine due to error/i.test(log);
  if (code === 0 && signal === null && !crashed) return null;
  if (code === 0 && signal === null && crashed) {
    return new TartError({
      code: 'tart.vm-exited',
      what: `The VM ${name} crashed`,
      why: firstLine(log.slice(log.search(/guest has stopped the virtual machine due to error/i))),
      fix: `See the VM log (${logPath}); start the session again.`,
      detail: tail(log),
    });
  }
  const classified = classifyFailure({
    what: `The VM ${name} could not run`,
    command: 'run',
    vm: name,
    exitCode: code ?? undefined,
    stderr: log,
    stdout: '',
  });
  if (classified.code !== 'tart.failed') return classified;
  return new TartError({
    code: 'tart.vm-exited',
    what: `The VM ${name} stopped unexpectedly`,
    why:
      signal !== null
        ? `tart run was killed by ${signal}.`
        : `tart run exited with ${code ?? 'no status'}: ${firstLine(lastLines(withoutGcNoise(log), 5)) || 'no output'}`,
    fix: `See the VM log (${logPath}); start the session again.`,
    detail: tail(log),
  });
}

export function lastLines(text: string, n: number): string {
  return text.trim().split(/\r?\n/).slice(-n).join('\n');
}
