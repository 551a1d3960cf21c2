// Where Clave keeps its state: CLAVE_HOME, else the platform's application-data folder.
import os from 'node:os';
import path from 'node:path';

export function dataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.CLAVE_HOME) return path.resolve(env.CLAVE_HOME);
  const home = env.HOME ?? os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Clave');
  return path.join(env.XDG_DATA_HOME || path.join(home, '.local', 'share'), 'clave');
}

export interface DataPaths {
  root: string;
  database: string;
  settings: string;
  /** The session host's local socket (owner-only). */
  socket: string;
  logs: string;
  /** Per-VM `tart run` output. */
  vmLogs: string;
  secrets: string;
  /** Saved conversations of kept sessions: `<transcripts>/<session id>/`. */
  transcripts: string;
}

export function dataPaths(root: string): DataPaths {
  return {
    root,
    database: path.join(root, 'clave.db'),
    settings: path.join(root, 'settings.json'),
    socket: path.join(root, 'host.sock'),
    logs: path.join(root, 'logs'),
    vmLogs: path.join(root, 'logs', 'vms'),
    secrets: path.join(root, 'secrets.json'),
    transcripts: path.join(root, 'transcripts'),
  };
}
