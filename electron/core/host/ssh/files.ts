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

/** One entry of a guest folder, as lstat sees it: a symlink is never followed. */
export interface RemoteEntry {
  name: string;
  kind: 'file' | 'dir' | 'other';
  size: number;
  mtimeMs: number;
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

/** The entries of a guest folder (without `.` and `..`); sftp's readdir reports lstat's attrs. */
export function sftpList(sftp: SFTPWrapper, dir: string): Promise<RemoteEntry[]> {
  return new Promise((resolve, reject) => {
    sftp.readdir(dir, (error, list) => {
      if (error) {
        reject(error);
        return;
      }
      resolve(
        list
          .filter((e) => e.filename !== '.' && e.filename !== '..')
          .map((e) => {
            const type = e.attrs.mode & S_IFMT;
            return {
              name: e.filename,
              kind: type === S_IFREG ? 'file' : type === S_IFDIR ? 'dir' : 'other',
              size: e.attrs.size,
              mtimeMs: e.attrs.mtime * 1000,
            };
          }),
      );
    });
  });
}

/** A guest file's bytes; fails once it grows past `maxBytes` (nothing unbounded is buffered). */
export function sftpRead(sftp: SFTPWrapper, file: string, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    sftp.open(file, 'r', (openError, handle) => {
      if (openError) {
        reject(openError);
        return;
      }
      const chunks: Buffer[] = [];
      let total = 0;
      const closeThen = (error: Error | null) =>
        sftp.close(handle, () => (error ? reject(error) : resolve(Buffer.concat(chunks, total))));
      const readAt = () => {
        const buf = Buffer.alloc(64 * 1024);
        sftp.read(handle, buf, 0, buf.length, total, (readError, n) => {
          if (readError) return closeThen(readError);
          if (n === 0) return closeThen(null);
          total += n;
          if (total > maxBytes) return closeThen(new Error(`${file} is over ${maxBytes} bytes`));
          chunks.push(buf.subarray(0, n));
          readAt();
        });
      };
      readAt();
    });
  });
}
