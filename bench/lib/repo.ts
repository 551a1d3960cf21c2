import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** This checkout's root. */
export const REPO_DIR = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
