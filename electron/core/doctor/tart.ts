// Tart present, its version, and where it came from. The `cirruslabs/cli` Homebrew tap stopped at
// 2.32.1 when Tart moved to `openai/tools` (openai/tart#1298): an install from it never updates.
// Homebrew records the tap of every formula it installs in the keg's INSTALL_RECEIPT.json
// (`source.tap`, Homebrew's Tab); the keg is found from the binary's resolved path
// (…/Cellar/tart/<version>/…). Without a receipt the version alone decides.
import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { Check } from './check';

export const FROZEN_TAP = 'cirruslabs/cli';
export const CURRENT_TAP = 'openai/tools';
/** The last release published to the frozen tap. */
export const LAST_FROZEN_VERSION = '2.32.1';

export interface TartOrigin {
  /** The binary after symlinks. */
  resolved: string;
  /** The Homebrew tap that installed it, when a receipt says so. */
  tap: string | null;
}

export async function tartOrigin(binary: string): Promise<TartOrigin> {
  const resolved = await realpath(binary).catch(() => binary);
  const keg = /^(.*\/Cellar\/tart\/[^/]+)\//.exec(resolved)?.[1];
  if (!keg) return { resolved, tap: null };
  try {
    const receipt = JSON.parse(await readFile(path.join(keg, 'INSTALL_RECEIPT.json'), 'utf8')) as {
      source?: { tap?: unknown };
    };
    const tap = receipt.source?.tap;
    return { resolved, tap: typeof tap === 'string' ? tap : null };
  } catch {
    return { resolved, tap: null };
  }
}

/** -1, 0 or 1 comparing dotted versions; null when either is not one (e.g. SNAPSHOT). */
export function compareVersions(a: string, b: string): number | null {
  const parse = (v: string) => (/^\d+(\.\d+)*$/.test(v) ? v.split('.').map(Number) : null);
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return null;
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

const MOVE_FIX = `brew uninstall tart && brew install ${CURRENT_TAP}/tart — your VMs in ~/.tart are kept (Homebrew never touches TART_HOME).`;

export const tartCheck: Check = {
  id: 'tart',
  name: 'Tart',
  async run(ctx) {
    const binary = await ctx.tart.locate();
    const version = await ctx.tart.version();
    const origin = await tartOrigin(binary);
    const where = origin.tap ? `from ${origin.tap}, ` : '';
    const detail = `tart ${version} (${where}${binary})`;
    if (origin.tap === FROZEN_TAP) {
      return {
        status: 'warn',
        detail: `${detail}: installed from the ${FROZEN_TAP} tap, frozen at ${LAST_FROZEN_VERSION}; Tart now ships from ${CURRENT_TAP}.`,
        fix: MOVE_FIX,
      };
    }
    if (!origin.tap && (compareVersions(version, LAST_FROZEN_VERSION) ?? 1) <= 0) {
      return {
        status: 'warn',
        detail: `${detail}: ${LAST_FROZEN_VERSION} or older, the last release of the frozen ${FROZEN_TAP} tap; newer ones ship from ${CURRENT_TAP}.`,
        fix: MOVE_FIX,
      };
    }
    return { status: 'ok', detail };
  },
};
