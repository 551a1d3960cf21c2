// ssh failures as what/why/fix errors.
import { HostError } from '../errors';

export type SshErrorCode =
  | 'ssh.invalid-input'
  | 'ssh.connect-timeout'
  | 'ssh.local-network-refused'
  | 'ssh.auth-failed'
  | 'ssh.disconnected'
  | 'ssh.channel-failed'
  | 'ssh.exec-timeout'
  | 'ssh.command-failed'
  | 'ssh.sftp-failed'
  | 'ssh.tunnel-failed'
  | 'ssh.aborted';

export class SshError extends HostError<SshErrorCode> {}

export function disconnected(target: string, reason: string | undefined): SshError {
  return new SshError({
    code: 'ssh.disconnected',
    what: `The ssh connection to ${target} is closed`,
    why: reason ?? 'The VM closed the connection or stopped answering.',
    fix: 'Check that the VM is still running; Clave reconnects when you retry.',
  });
}

export function aborted(target: string): SshError {
  return new SshError({
    code: 'ssh.aborted',
    what: `Stopped talking to ${target}`,
    why: 'The operation was cancelled.',
    fix: 'Nothing to do.',
  });
}
