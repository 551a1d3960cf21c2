// Which Orchard controller Clave uses, and as whom. The environment wins (CLAVE_ORCHARD_URL and
// CLAVE_ORCHARD_ACCOUNT=`name:token`, for scripts and CI, as ANTHROPIC_API_KEY does for Claude);
// else settings.json's backend.url / backend.serviceAccount with the token in the secret store.
// The token is returned only inside OrchardCredentials, for the client's Authorization header.
import { z } from 'zod';
import type { OrchardStatus } from '../../../../shared/api';
import type { Problem } from '../../../../shared/session';
import type { Settings } from '../../config/settings';
import type { SettingsStore } from '../../config/settings-store';
import type { SecretStore } from '../../host/secret-store';
import { OrchardClient, type OrchardClientOptions, type OrchardCredentials } from './client';
import { toProblem } from '../../problem';
import { displayUrl, OrchardError } from './errors';

export const ORCHARD_TOKEN_KEY = 'orchard.token';
export const ENV_URL = 'CLAVE_ORCHARD_URL';
export const ENV_ACCOUNT = 'CLAVE_ORCHARD_ACCOUNT';

const Url = z
  .string()
  .url()
  .max(2048)
  .refine((u) => /^https?:$/.test(new URL(u).protocol), 'an http or https URL');
const AccountName = z.string().regex(/^[A-Za-z0-9._-]{1,128}$/);

export interface OrchardResolution {
  source: OrchardStatus['source'];
  /** As it may be shown (no user info). */
  url: string | null;
  serviceAccount: string | null;
  /** Everything needed to talk to the controller; null with a problem saying what is missing. */
  credentials: OrchardCredentials | null;
  problem: Problem | null;
}

/**
 * A controller and an account are named (settings or environment), so sessions may be sent to
 * Orchard; whether the token is there and the controller answers, its calls say.
 */
export function orchardNamed(settings: Settings, env: NodeJS.ProcessEnv): boolean {
  if (env[ENV_URL]?.trim() || env[ENV_ACCOUNT]?.trim()) return true;
  return Boolean(settings.backend.url && settings.backend.serviceAccount);
}

/** The controller and account to use now, and where they come from. */
export async function resolveOrchard(
  settings: Settings,
  env: NodeJS.ProcessEnv,
  secrets: SecretStore,
): Promise<OrchardResolution> {
  const envUrl = env[ENV_URL]?.trim();
  const envAccount = env[ENV_ACCOUNT]?.trim();
  if (envUrl || envAccount) return fromEnv(envUrl, envAccount);
  const { url, serviceAccount } = settings.backend;
  const shown = { url: url ? displayUrl(url) : null, serviceAccount: serviceAccount ?? null };
  if (!url || !serviceAccount)
    return {
      source: url || serviceAccount ? 'settings' : 'none',
      ...shown,
      credentials: null,
      problem: {
        what: 'No Orchard controller is set up',
        why: `settings.json has no backend.${url ? 'serviceAccount' : 'url'}.`,
        fix: 'clave orchard connect (or set CLAVE_ORCHARD_URL and CLAVE_ORCHARD_ACCOUNT=name:token).',
      },
    };
  const token = await secrets.get(ORCHARD_TOKEN_KEY);
  if (!token)
    return {
      source: 'settings',
      ...shown,
      credentials: null,
      problem: {
        what: 'No Orchard token is stored',
        why: `The service account ${serviceAccount} has no token in Clave’s secret store.`,
        fix: 'clave orchard connect (it asks for the token), or set CLAVE_ORCHARD_ACCOUNT=name:token.',
      },
    };
  return {
    source: 'settings',
    ...shown,
    credentials: { url, serviceAccount, token },
    problem: null,
  };
}

function fromEnv(url: string | undefined, account: string | undefined): OrchardResolution {
  const colon = account?.indexOf(':') ?? -1;
  const name = account && colon > 0 ? account.slice(0, colon) : null;
  const token = account && colon > 0 ? account.slice(colon + 1) : '';
  const shownUrl = url && Url.safeParse(url).success ? displayUrl(url) : null;
  const bad = (why: string, fix: string): OrchardResolution => ({
    source: 'env',
    url: shownUrl,
    serviceAccount: name,
    credentials: null,
    problem: { what: 'The Orchard settings in the environment are incomplete', why, fix },
  });
  if (!url) return bad(`${ENV_ACCOUNT} is set but ${ENV_URL} is not.`, `Set ${ENV_URL}.`);
  if (!shownUrl)
    return bad(
      `${ENV_URL} is not an http(s) URL.`,
      `Set it to the API, e.g. http://127.0.0.1:6120/v1.`,
    );
  if (!account)
    return bad(`${ENV_URL} is set but ${ENV_ACCOUNT} is not.`, `Set ${ENV_ACCOUNT}=name:token.`);
  if (!name || !AccountName.safeParse(name).success || token === '')
    return bad(`${ENV_ACCOUNT} is not of the form name:token.`, `Set ${ENV_ACCOUNT}=name:token.`);
  return {
    source: 'env',
    url: shownUrl,
    serviceAccount: name,
    credentials: { url, serviceAccount: name, token },
    problem: null,
  };
}

/** Whether the controller answers these credentials: null when it does, else why not. */
export async function probeController(
  credentials: OrchardCredentials,
  options?: OrchardClientOptions,
): Promise<OrchardError | null> {
  try {
    await new OrchardClient(credentials, options).listVms();
    return null;
  } catch (error) {
    if (error instanceof OrchardError) return error;
    throw error;
  }
}

export interface OrchardServiceOptions {
  settings: Pick<SettingsStore, 'current' | 'update'>;
  secrets: SecretStore;
  env: NodeJS.ProcessEnv;
  client?: OrchardClientOptions;
}

/** orchard.status / connect / disconnect for every face. */
export class OrchardService {
  constructor(private readonly o: OrchardServiceOptions) {}

  resolve(): Promise<OrchardResolution> {
    return resolveOrchard(this.o.settings.current(), this.o.env, this.o.secrets);
  }

  /** The credentials to use now; rejects with what is missing when Orchard is not set up. */
  async credentials(): Promise<OrchardCredentials> {
    const r = await this.resolve();
    if (r.credentials) return r.credentials;
    throw new OrchardError({
      code: 'orchard.not-configured',
      what: r.problem?.what ?? 'Orchard is not set up',
      why: r.problem?.why ?? 'No controller URL, account or token is known.',
      fix: r.problem?.fix ?? 'clave orchard connect',
    });
  }

  async status(options: { probe?: boolean } = {}): Promise<OrchardStatus> {
    const r = await this.resolve();
    const base = {
      configured: r.credentials !== null,
      url: r.url,
      serviceAccount: r.serviceAccount,
      source: r.source,
    };
    if (!r.credentials || !options.probe) return { ...base, reachable: null, problem: r.problem };
    const refused = await probeController(r.credentials, this.o.client);
    return { ...base, reachable: refused === null, problem: refused && toProblem(refused) };
  }

  /** Checks the controller first: nothing is saved when it refuses (the error says why). */
  async connect(p: { url: string; serviceAccount: string; token: string }): Promise<OrchardStatus> {
    const url = Url.safeParse(p.url);
    if (!url.success)
      throw new OrchardError({
        code: 'orchard.not-configured',
        what: 'Could not connect to Orchard',
        why: 'The controller URL is not an http(s) URL.',
        fix: 'Use the API’s URL, e.g. http://127.0.0.1:6120/v1.',
      });
    const refused = await probeController(
      { url: url.data, serviceAccount: p.serviceAccount, token: p.token },
      this.o.client,
    );
    if (refused) throw refused;
    const saved = this.o.settings.update({
      backend: { url: url.data, serviceAccount: p.serviceAccount },
    });
    if (!saved.ok)
      throw new OrchardError({
        code: 'orchard.not-configured',
        what: 'Could not save the Orchard controller in settings.json',
        why: saved.errors.map((e) => `${e.path}: ${e.message}`).join('; '),
        fix: saved.errors[0]?.fix ?? 'Correct settings.json and try again.',
      });
    await this.o.secrets.set(ORCHARD_TOKEN_KEY, p.token);
    return this.status({ probe: false });
  }

  /** Forgets the stored token; settings.json keeps URL and account. */
  async disconnect(): Promise<OrchardStatus> {
    await this.o.secrets.delete(ORCHARD_TOKEN_KEY);
    return this.status({ probe: false });
  }
}
