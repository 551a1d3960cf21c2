// Writing files into the guest without the content on a command line (sftp, or stdin).
import type { SFTPWrapper } from 'ssh2';
import { command, quote } from '../shell-quote';

/** The command used to write a file from stdin (exported for tests; it never contains data). */
export function stdinWriteCommand(remotePath: string, mode: number): string {
  const target = remotePath.startsWith('~/')
    ? `"$HOME"/${quote(remotePath.slice(2))}`
    : quote(remotePath);
  const octal = (mode & 0o7777).toString(8);
  // umask 077 first: the file never exists with looser permissions, even for a moment.
  return `umask 077 && cat > ${target} && ${command(['chmod', octal])} ${target}`;
}

export function sftpWrite(
  sftp: SFTPWrapper,
  file: string,
  data: Buffer,
  mode: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    sftp.open(file, 'w', { mode }, (openError, handle) => {
      if (openError) {
        reject(openError);
        return;
      }
      const closeThen = (error: Error | null | undefined) =>
        sftp.close(handle, (closeError) => {
          if (error) reject(error);
          else if (closeError) reject(closeError);
          else resolve();
        });
      const writeAt = (offset: number) => {
        if (offset >= data.length) {
          // An existing file keeps its old mode on open; set it explicitly.
          sftp.fchmod(handle, mode, (chmodError) => closeThen(chmodError));
          return;
        }
        const length = Math.min(32 * 1024, data.length - offset);
        sftp.write(handle, data, offset, length, offset, (writeError) => {
          if (writeError) closeThen(writeError);
          else writeAt(offset + length);
        });
      };
      writeAt(0);
    });
  });
}
