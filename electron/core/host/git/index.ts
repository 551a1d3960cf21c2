// The git adapter's public surface: one concern per file, one class for callers.
export { GitError, type GitErrorCode } from './errors';
export { parseLog, parsePorcelainZ } from './parse';
export { FALLBACK_IDENTITY } from './runner';
export { Git } from './merge';
export * from './types';
