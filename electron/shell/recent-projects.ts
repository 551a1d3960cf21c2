// The projects sessions were started for, newest first, for the tray's "New session for…".
// A small JSON file in the data dir, validated when read; a bad file is simply started over.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const RecentFile = z.object({ projects: z.array(z.string().min(1).max(4096)).max(100) });

export class RecentProjects {
  constructor(
    private readonly file: string,
    private readonly max = 8,
  ) {}

  list(): string[] {
    try {
      const parsed = RecentFile.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
      return parsed.success ? parsed.data.projects.slice(0, this.max) : [];
    } catch {
      return [];
    }
  }

  /** Moves `projectDir` to the front; returns the new list. */
  add(projectDir: string): string[] {
    const projects = [projectDir, ...this.list().filter((p) => p !== projectDir)].slice(
      0,
      this.max,
    );
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    writeFileSync(this.file, JSON.stringify({ projects }, null, 2) + '\n', { mode: 0o600 });
    return projects;
  }
}
