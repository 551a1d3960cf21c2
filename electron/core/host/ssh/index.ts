// The ssh adapter's public surface.
/**
 * The ssh adapter: ssh2 in-process, no `ssh` child processes and no askpass. One `SshConnection`
 * per VM carries every channel: commands, terminals (PTY), file writes (sftp) and the tunnel
 * (`forwardOut`). Secrets reach the guest as files (sftp, or a command's stdin), never on a
 * command line, where any guest user could read them with `ps`.
 *
 * OpenSSH limits concurrent *session* channels (exec, shell, sftp) per connection with
 * `MaxSessions` (default 10); tunnel connections do not count against it.
 */
export { connectSsh } from './connect';
export { SshConnection } from './connection';
export { channelExit } from './channels';
export { SshError, type SshErrorCode } from './errors';
export { stdinWriteCommand, type RemoteEntry } from './files';
export { PtyChannel } from './pty';
export { Tunnel, type PortTunnel } from './tunnel';
export { ReverseForward, type ReverseTarget } from './reverse-forward';
export {
  SshConnectOptionsSchema,
  type ChannelExit,
  type ExecOptions,
  type ExecResult,
  type PtyOptions,
  type SshConnectOptions,
  type TunnelOptions,
} from './types';
