// Per-project settings in `.clave.json` at the project root, validated at the edge.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { BackendKind } from '../../../shared/settings';
import { ConfigError } from './config-error';

export const ProjectConfig = z
  .object({
    /** Gitignored files to carry into the session copy (default: .worktreeinclude, else .env). */
    include: z.array(z.string().min(1)).optional(),
    vm: z
      .object({
        cpus: z.number().int().min(1).max(64).optional(),
        memoryMb: z.number().int().min(1024).max(262144).optional(),
      })
      .strict()
      .optional(),
    /** Where this project's sessions run (default: the setting `backend.kind`). */
    backend: BackendKind.optional(),
    /**
     * `host`: the Mac's MySQL/Redis even on Orchard (through reverse tunnels over ssh); `vm`:
     * inside the VM. Default: the setting `services.mode` on Tart, `vm` on Orchard.
     */
    services: z.enum(['host', 'vm']).optional(),
    bootstrap: z
      .object({
        composer: z.boolean().default(true),
        migrate: z.boolean().default(true),
      })
      .strict()
      .default({ composer: true, migrate: true }),
    /** What of the person's own Claude setup on this Mac goes into the session's VM. */
    claude: z
      .object({
        /** ~/.claude/CLAUDE.md. */
        carryClaudeMd: z.boolean().default(true),
        /** The allow-listed keys of ~/.claude/settings.json (guest/user-settings.ts). */
        carrySettings: z.boolean().default(true),
        /** MCP servers on this Mac's localhost, reached from the VM through reverse tunnels. */
        mcpTunnels: z.boolean().default(true),
      })
      .strict()
      .default({ carryClaudeMd: true, carrySettings: true, mcpTunnels: true }),
  })
  .strict();
export type ProjectConfig = z.infer<typeof ProjectConfig>;

export const PROJECT_CONFIG_FILE = '.clave.json';

export function loadProjectConfig(projectDir: string): ProjectConfig {
  const file = path.join(projectDir, PROJECT_CONFIG_FILE);
  if (!existsSync(file)) return ProjectConfig.parse({});
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw ConfigError.notJson(file, (e as Error).message);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw ConfigError.notObject(file);
  const parsed = ProjectConfig.safeParse(raw);
  if (!parsed.success) throw ConfigError.fromZod(file, parsed.error);
  return parsed.data;
}
