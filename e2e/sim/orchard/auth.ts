// Service accounts and roles as internal/controller/api.go checks them. Presented Basic
// credentials must name an account with that token, else 401 with no body — even in dev mode
// (no accounts: `orchard dev` disables authorisation, not the credential check). Without
// credentials, or without the roles an endpoint needs, 401 too (the real controller never
// answers 403); a missing role gets a JSON message naming the roles.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ApiError } from './resource';

export const ROLES = [
  'compute:read',
  'compute:write',
  'compute:connect',
  'admin:read',
  'admin:write',
] as const;
export type Role = (typeof ROLES)[number];

export interface ServiceAccount {
  name: string;
  token: string;
  roles: Role[];
}

/** `NAME:TOKEN[:ROLE,ROLE…]` (the token cannot contain `:`); default roles: compute read/write/connect. */
export function parseServiceAccount(spec: string): ServiceAccount {
  const m = /^([^:]+):([^:]+)(?::(.+))?$/.exec(spec);
  if (!m) throw new Error(`bad service account '${spec}' (want NAME:TOKEN[:ROLE,ROLE…])`);
  const roles = (m[3] ?? 'compute:read,compute:write,compute:connect').split(',');
  for (const r of roles) {
    if (!(ROLES as readonly string[]).includes(r)) throw new Error(`unknown role '${r}'`);
  }
  return { name: m[1]!, token: m[2]!, roles: roles as Role[] };
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The account a request authenticates as: undefined without credentials; 401 for wrong ones. */
export function authenticate(
  req: IncomingMessage,
  accounts: ServiceAccount[],
): ServiceAccount | undefined {
  const h = req.headers.authorization;
  if (!h || !/^basic /i.test(h)) return undefined;
  const decoded = Buffer.from(h.slice(6).trim(), 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return undefined;
  const name = decoded.slice(0, i);
  const token = decoded.slice(i + 1);
  const account = accounts.find((a) => a.name === name);
  if (!account || !sameToken(account.token, token)) throw new ApiError(401);
  return account;
}

/** authorize()/authorizeAny() of the real controller; a no-op in dev mode (no accounts). */
export function authorize(
  accounts: ServiceAccount[],
  who: ServiceAccount | undefined,
  mode: 'all' | 'any',
  ...roles: Role[]
): void {
  if (accounts.length === 0) return;
  if (!who) throw new ApiError(401);
  const has = (r: Role) => who.roles.includes(r);
  if (mode === 'all' ? roles.every(has) : roles.some(has)) return;
  const hint =
    mode === 'all'
      ? 'all of the following roles must be present'
      : 'any of the following roles must be present';
  throw new ApiError(401, `${hint}: ${roles.join(', ')}`);
}
