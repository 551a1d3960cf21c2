// The tart adapter's public surface.
export { Tart, TART_INSTALL_COMMAND } from './cli';
export { classifyFailure, classifyRunExit, withoutGcNoise, type FailureInput } from './classify';
export { TartError, type TartErrorCode } from './errors';
export * from './options';
export { parseGet, parseList } from './parse';
export { appleSiliconUnderRosetta } from './platform';
