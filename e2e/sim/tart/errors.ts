// Tart's error model (Sources/tart/VMStorageHelper.swift + Root.swift):
//  - RuntimeError: its message alone on stderr; exit 2 for "does not exist", "not running",
//    "already running", 1 for everything else.
//  - Any other error: `Error: <message>` on stderr, exit 1 (swift-argument-parser's exit(withError:)).
//  - ValidationError / parse errors: see cli.ts (exit 64 with usage).

export type RuntimeKind =
  | 'VMDoesNotExist'
  | 'VMNotRunning'
  | 'VMAlreadyRunning'
  | 'VMIsRunning'
  | 'NoIPAddressFound'
  | 'InvalidDiskSize'
  | 'VMTerminationFailed'
  | 'VirtualMachineLimitExceeded'
  | 'PullFailed'
  | 'VMConfigurationError'
  | 'Generic';

export class RuntimeError extends Error {
  constructor(
    readonly kind: RuntimeKind,
    message: string,
  ) {
    super(message);
  }

  get exitCode(): number {
    return this.kind === 'VMDoesNotExist' ||
      this.kind === 'VMNotRunning' ||
      this.kind === 'VMAlreadyRunning'
      ? 2
      : 1;
  }

  static doesNotExist(name: string): RuntimeError {
    return new RuntimeError('VMDoesNotExist', `the specified VM "${name}" does not exist`);
  }
  static notRunning(name: string): RuntimeError {
    return new RuntimeError('VMNotRunning', `VM "${name}" is not running`);
  }
  static isRunning(name: string): RuntimeError {
    return new RuntimeError('VMIsRunning', `VM "${name}" is running`);
  }
}

/** A non-RuntimeError failure: printed as `Error: <message>`, exit 1. */
export class OtherError extends Error {}
