// The gitignored files Clave carried into a session copy (.env, `.worktreeinclude`, `.clave.json`
// `include`): chosen by the same rule as when the copy was made, packed with this Mac's tar.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadProjectConfig } from '../../config/project-config';
import { HostError, firstLine, tail } from '../../host/errors';
import type { Git } from '../../host/git';
import { SESSION_DIR } from '../../host/git';
import { runTool } from '../../host/run-tool';

/** The project a session copy belongs to (`<project>/.clave/wt/s-<id>`), or null. */
export function projectOfCopy(copyDir: string): string | null {
  const container = path.dirname(path.resolve(copyDir));
  const project = path.dirname(path.dirname(container));
  return path.join(project, SESSION_DIR) === container ? project : null;
}

/** The ignored files of the copy that Clave carried into it (relative; directories end with /). */
export async function carriedFiles(
  git: Git,
  copyDir: string,
  include: (project: string) => readonly string[] | undefined,
): Promise<string[]> {
  const project = projectOfCopy(copyDir);
  const patterns = await git.includePatterns(
    project ?? copyDir,
    project === null ? undefined : include(project),
  );
  return git.includedFiles(copyDir, patterns);
}

/** A project's own `.clave.json` `include` (already validated when its session started). */
export function projectInclude(project: string): readonly string[] | undefined {
  return loadProjectConfig(project).include;
}

/**
 * A gitignore line matching exactly `rel` (anchored; a directory keeps its trailing /), or null
 * when git's syntax cannot say it (a line break in the name).
 */
export function exactIgnorePattern(rel: string): string | null {
  if (/[\r\n]/.test(rel)) return null;
  const escaped = rel.replace(/[\\*?[]/g, (c) => `\\${c}`).replace(/ (?= *$)/g, '\\ ');
  return `/${escaped}`;
}

/** A tar of `files` under `dir`, read whole; refuses past `maxBytes`. */
export async function tarFiles(
  dir: string,
  files: readonly string[],
  options: { maxBytes: number; timeoutMs: number },
): Promise<Buffer> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'clave-carry-'));
  try {
    const file = path.join(tmp, 'carried.tar');
    // `./` keeps a name starting with `-` a name; no macOS metadata or extended attributes.
    const r = await runTool(
      'tar',
      ['-c', '-f', file, '--no-xattrs', '-C', dir, ...files.map((f) => `./${f}`)],
      {
        env: { ...process.env, COPYFILE_DISABLE: '1' },
        timeoutMs: options.timeoutMs,
      },
    );
    if (r.exitCode !== 0) {
      throw new HostError({
        code: 'sync.carry-failed',
        what: 'Could not pack the files Clave carries into the VM',
        why: firstLine(r.stderr) || `tar exited with ${String(r.exitCode ?? r.spawnErrorCode)}`,
        fix: `Check that ${files.join(', ')} in ${dir} can be read, then try again.`,
        detail: tail(r.stderr),
      });
    }
    const tar = await readFile(file);
    if (tar.length > options.maxBytes) {
      throw new HostError({
        code: 'sync.too-large',
        what: 'The files Clave carries into the VM are too large',
        why: `${files.join(', ')} come to ${mb(tar.length)}, over the limit of ${mb(options.maxBytes)}.`,
        fix: 'Carry fewer or smaller ignored files (.worktreeinclude, .clave.json `include`).',
      });
    }
    return tar;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
