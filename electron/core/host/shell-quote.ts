/**
 * The ONE place where command lines for the VM are built. Everything that goes through an ssh
 * `exec` is parsed by a POSIX shell on the guest, so every user-supplied value must pass through
 * `quote` (or `command`) here. Never paste strings into a command by hand.
 *
 * Quoting uses single quotes, inside which a POSIX shell treats every byte literally; a single
 * quote itself is written as '\'' (close, escaped quote, reopen). This is safe for spaces,
 * quotes, $(), backticks, globs, newlines, unicode and the empty string. NUL cannot be passed in
 * a shell argument at all, so it is rejected.
 */

/**
 * Characters that never need quoting; keeps simple commands readable in logs. `=` is not here:
 * an unquoted `A=b` in command position would be an assignment, not a program name.
 */
const SAFE = /^[A-Za-z0-9_@%+:,./-]+$/;

export class ShellQuoteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShellQuoteError';
  }
}

/** Quote one argument for a POSIX shell (sh, bash, dash, zsh in sh mode). */
export function quote(arg: string): string {
  if (typeof arg !== 'string') {
    throw new ShellQuoteError(`Cannot quote a ${typeof arg}; pass a string`);
  }
  if (arg.includes('\0')) {
    throw new ShellQuoteError('A shell argument cannot contain a NUL byte');
  }
  if (arg === '') return "''";
  if (SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Quote every element of an argv and join them into one command line. */
export function command(argv: readonly string[]): string {
  if (argv.length === 0) throw new ShellQuoteError('A command needs at least a program name');
  return argv.map(quote).join(' ');
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `NAME='value' NAME2='value2' prog args…` — environment assignments for one command. Only for
 * non-secret values: the whole line is visible in the guest's process list. Secrets go into a
 * file (ssh `writeFile`) that the command sources.
 */
export function withEnv(env: Readonly<Record<string, string>>, argv: readonly string[]): string {
  const assignments = Object.entries(env).map(([name, value]) => {
    if (!ENV_NAME.test(name)) throw new ShellQuoteError(`Not a valid environment name: ${name}`);
    return `${name}=${quote(value)}`;
  });
  return [...assignments, command(argv)].join(' ');
}

/**
 * Run a script through `bash -lc` (a login shell, so ~/.local/bin and profile PATH apply, as the
 * Claude installer requires). The script is one quoted argument; values inside it must already be
 * quoted with `quote`.
 */
export function bashLogin(script: string): string {
  return command(['bash', '-lc', script]);
}
