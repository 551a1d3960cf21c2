// tart failures as what/why/fix errors.
import { HostError } from '../errors';

export type TartErrorCode =
  | 'tart.not-installed'
  | 'tart.not-apple-silicon'
  | 'tart.macos-too-old'
  | 'tart.vm-missing'
  | 'tart.vm-exists'
  | 'tart.vm-running'
  | 'tart.vm-not-running'
  | 'tart.vm-already-running'
  | 'tart.no-ip'
  | 'tart.vm-limit'
  | 'tart.disk-full'
  | 'tart.vm-exited'
  | 'tart.timeout'
  | 'tart.invalid-input'
  | 'tart.bad-output'
  | 'tart.failed';

export class TartError extends HostError<TartErrorCode> {}

// ---------------------------------------------------------------- names and options
