// What `npm run dist:mac` does with the credentials in the environment, decided in one place and
// said in the log: sign with a Developer ID (CSC_LINK, or CSC_NAME for one in the keychain) or
// ad-hoc; notarise with an Apple ID, an App Store Connect API key or a notarytool keychain
// profile, or skip; bake an update feed (CLAVE_UPDATE_URL) into the app, or none. A half-given
// credential set is an error, never a silent skip.

/** The parts of electron-builder's configuration the plan overrides. */
export interface PlanOverrides {
  mac: { identity?: string | null; hardenedRuntime?: boolean; notarize: boolean };
  publish?: null;
}

export interface ReleasePlan {
  signing: 'developer-id' | 'ad-hoc';
  notarize: 'apple-id' | 'api-key' | 'keychain-profile' | 'skipped';
  updateFeed: string | null;
  overrides: PlanOverrides;
  /** One line per decision, with how to change it. */
  log: string[];
}

const APPLE_ID = ['APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID'] as const;
const API_KEY = ['APPLE_API_KEY', 'APPLE_API_KEY_ID', 'APPLE_API_ISSUER'] as const;

export class ReleasePlanError extends Error {}

/** All of `names` set → true; none → false; some → error naming the missing ones. */
function complete(env: NodeJS.ProcessEnv, names: readonly string[]): boolean {
  const missing = names.filter((n) => !env[n]);
  if (missing.length === 0) return true;
  if (missing.length === names.length) return false;
  throw new ReleasePlanError(
    `${names.filter((n) => env[n]).join(', ')} set but ${missing.join(', ')} missing: set all of ${names.join(', ')} or none`,
  );
}

export function releasePlan(env: NodeJS.ProcessEnv): ReleasePlan {
  const log: string[] = [];
  const overrides: PlanOverrides = { mac: { notarize: false } };

  const signing = env.CSC_LINK || env.CSC_NAME ? 'developer-id' : 'ad-hoc';
  if (signing === 'developer-id') {
    log.push(
      `Signing: Developer ID from ${env.CSC_LINK ? 'CSC_LINK' : `the keychain (CSC_NAME=${env.CSC_NAME})`}, hardened runtime on.`,
    );
  } else {
    // Ad-hoc code runs on this Mac; the hardened runtime would refuse its ad-hoc native addons
    // (library validation needs a Team ID) and only notarisation requires it.
    overrides.mac.identity = '-';
    overrides.mac.hardenedRuntime = false;
    log.push(
      'Signing: ad-hoc (no CSC_LINK or CSC_NAME): runs on this Mac only; Gatekeeper refuses it elsewhere. Set CSC_LINK (a .p12 of your Developer ID Application certificate) and CSC_KEY_PASSWORD to sign for distribution.',
    );
  }

  const notarize = complete(env, APPLE_ID)
    ? 'apple-id'
    : complete(env, API_KEY)
      ? 'api-key'
      : env.APPLE_KEYCHAIN_PROFILE
        ? 'keychain-profile'
        : 'skipped';
  if (notarize !== 'skipped' && signing === 'ad-hoc') {
    throw new ReleasePlanError(
      'Notarisation credentials are set but no Developer ID is: Apple notarises only Developer ID-signed apps. Set CSC_LINK or CSC_NAME too.',
    );
  }
  if (notarize === 'skipped') {
    log.push(
      `Notarising: skipped (no credentials). Set ${APPLE_ID.join(', ')}, or ${API_KEY.join(', ')}, or APPLE_KEYCHAIN_PROFILE.`,
    );
  } else {
    overrides.mac.notarize = true;
    log.push(`Notarising: with ${notarize} credentials, after signing.`);
  }

  const feed = env.CLAVE_UPDATE_URL?.trim() || null;
  if (feed !== null && !/^https:\/\/[^\s]+$/.test(feed)) {
    throw new ReleasePlanError(`CLAVE_UPDATE_URL must be an https:// URL, got '${feed}'`);
  }
  if (feed === null) {
    overrides.publish = null;
    log.push('Update checks: off (no CLAVE_UPDATE_URL): the app carries no feed and never checks.');
  } else {
    log.push(`Update checks: on, against ${feed} (upload the zip, dmg and latest-mac.yml there).`);
  }

  return { signing, notarize, updateFeed: feed, overrides, log };
}

/** electron-builder's configuration with the plan applied (the YAML as parsed, plus overrides). */
export function applyPlan<C extends { mac?: object | null; publish?: unknown }>(
  config: C,
  plan: ReleasePlan,
): C {
  return {
    ...config,
    ...(plan.overrides.publish === null ? { publish: null } : {}),
    mac: { ...config.mac, ...plan.overrides.mac },
  };
}
