// A command without a PTY (piped `clave exec`) as a terminal channel: stdout as `data`, stderr
// apart, the exit code kept for when the channel closes.
import { EventEmitter } from 'node:events';
import type { SshConnection } from './connection';

export class ExecChannel extends EventEmitter {
  readonly stderr = new EventEmitter();
  exitCode: number | null = null;
  private readonly ac = new AbortController();

  constructor(ssh: Pick<SshConnection, 'exec'>, cmd: string) {
    super();
    void ssh
      .exec(cmd, {
        timeoutMs: 2 ** 31 - 1,
        signal: this.ac.signal,
        onStdout: (c) => this.emit('data', c),
        onStderr: (c) => this.stderr.emit('data', c),
      })
      .then(
        (r) => (this.exitCode = r.code),
        () => (this.exitCode = null),
      )
      .finally(() => this.emit('close'));
  }

  // Nothing to write to or pause: the command reads no input.
  write(): void {}
  pause(): void {}
  resume(): void {}
  close(): void {
    this.ac.abort();
  }
}
