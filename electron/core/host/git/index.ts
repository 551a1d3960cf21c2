// The git adapter's public surface: one concern per file, one class for callers.
export { GitError, type GitErrorCode } from './errors';
export { parseLog, parsePorcelainZ } from './parse';
export { FALLBACK_IDENTITY } from './runner';
export { Git } from './merge';
export * from './types';
export {
  GUEST_INCOMING_REF,
  GUEST_REF,
  GUEST_STATE_REF,
  OUTGOING_REF,
  STATE_MESSAGE,
  SYNCED_REF,
  STATE_IDENTITY_ENV,
  type CopyState,
} from './copy-sync';
