// Orchard's answers as problems a person can act on (what / why / fix). Status codes as the
// controller uses them (internal/controller/api*.go): 400/412 a refused request, 401 an unknown
// account or a missing role, 404 no such VM, 409 the name is taken, 408 not running before
// `wait` ran out, 417 the VM is in a terminal state, 503 the worker (or controller) unreachable.
// The token never appears here: URLs are shown without user info, bodies are the controller's.
import { firstLine, HostError } from '../../host/errors';
import { ErrorBody } from './schema';

export type OrchardErrorCode =
  | 'orchard.not-configured'
  | 'orchard.refused'
  | 'orchard.unauthorized'
  | 'orchard.not-found'
  | 'orchard.name-taken'
  | 'orchard.not-running'
  | 'orchard.vm-terminal'
  | 'orchard.unavailable'
  | 'orchard.unreachable'
  | 'orchard.timeout'
  | 'orchard.bad-response'
  | 'orchard.http'
  | 'orchard.vm-failed'
  | 'orchard.worker-lost'
  | 'orchard.vm-deleted'
  | 'orchard.unsupported';

export class OrchardError extends HostError<OrchardErrorCode> {
  /** The HTTP status the controller answered with, when it answered. */
  status: number | undefined;
}

/** The roles a service account needs for everything Clave does. */
export const REQUIRED_ROLES = 'compute:read, compute:write and compute:connect';

/** A controller URL as it may be shown: no user info, no query. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(an invalid URL)';
  }
}

/** The controller's own sentence from an error body (JSON `{message}` or plain text). */
export function bodyMessage(text: string): string {
  try {
    const parsed = ErrorBody.safeParse(JSON.parse(text));
    if (parsed.success) return firstLine(parsed.data.message);
  } catch {
    // not JSON: the first line of the text, if any
  }
  return firstLine(text);
}

export interface HttpFailure {
  /** What was being done, e.g. "Could not create the Orchard VM clave-s-ab12". */
  what: string;
  status: number;
  body: string;
  /** The controller, as displayUrl shows it. */
  controller: string;
  account: string;
  vm?: string;
}

/** An HTTP error answer as a problem. */
export function httpError(f: HttpFailure): OrchardError {
  const said = bodyMessage(f.body);
  const saying = said ? `: “${said}”` : '';
  const init = ((): { code: OrchardErrorCode; why: string; fix: string } => {
    switch (f.status) {
      case 400:
      case 412:
        return {
          code: 'orchard.refused',
          why: `The controller refused the request (HTTP ${f.status})${saying}.`,
          fix: said
            ? 'Correct what the controller names (the Orchard image, labels or resources in Settings), then try again.'
            : 'Check the Orchard image, labels and resources in Settings, then try again.',
        };
      case 401:
      case 403:
        return {
          code: 'orchard.unauthorized',
          why: `The controller at ${f.controller} did not accept the service account “${f.account}” (HTTP ${f.status})${saying}.`,
          fix: `Check the account name and token (clave orchard connect), and that the account has the roles ${REQUIRED_ROLES}.`,
        };
      case 404:
        return {
          code: 'orchard.not-found',
          why: `The controller has no ${f.vm ? `VM named ${f.vm}` : 'such resource'}${saying}.`,
          fix: f.vm
            ? 'It was deleted outside Clave (or never created): start the session again.'
            : `Check the controller URL (${f.controller}): it should end in /v1.`,
        };
      case 409:
        return {
          code: 'orchard.name-taken',
          why: `A VM named ${f.vm ?? '(this name)'} already exists on the controller${saying}.`,
          fix: `Delete it (orchard delete vm ${f.vm ?? '<name>'}) if it is a leftover, or try again: a new session gets a new name.`,
        };
      case 408:
        return {
          code: 'orchard.not-running',
          why: `The VM ${f.vm ?? ''} was not running on a worker in time${saying}.`,
          fix: 'The cluster may be busy or pulling the image: wait and try again, or check the workers (orchard list workers).',
        };
      case 417:
        return {
          code: 'orchard.vm-terminal',
          why: `The VM ${f.vm ?? ''} has stopped or failed${saying}.`,
          fix: 'Start the session again; the VM’s events (orchard logs vm) say why it ended.',
        };
      case 502:
      case 503:
      case 504:
        return {
          code: 'orchard.unavailable',
          why: `The controller or the VM’s worker could not be reached (HTTP ${f.status})${saying}.`,
          fix: 'Check that the worker is online (orchard list workers) and the controller is healthy, then try again.',
        };
      default:
        return {
          code: 'orchard.http',
          why: `The controller answered HTTP ${f.status}${saying}.`,
          fix: `Check the controller’s log at ${f.controller}, then try again.`,
        };
    }
  })();
  const e = new OrchardError({ ...init, what: f.what, ...(said ? { detail: said } : {}) });
  e.status = f.status;
  return e;
}

/** No answer at all: the controller is down, the URL wrong, or it took too long. */
export function networkError(what: string, controller: string, error: unknown): OrchardError {
  const e = error as { name?: string; message?: string; cause?: { code?: string } };
  if (e?.name === 'TimeoutError')
    return new OrchardError({
      code: 'orchard.timeout',
      what,
      why: `The controller at ${controller} did not answer in time.`,
      fix: 'Check that the controller is running and reachable from this Mac, then try again.',
    });
  const code = e?.cause?.code ?? (error as NodeJS.ErrnoException)?.code;
  return new OrchardError({
    code: 'orchard.unreachable',
    what,
    why: `The controller at ${controller} cannot be reached${code ? ` (${code})` : ''}.`,
    fix: 'Start the controller (orchard dev for a try), or correct its URL (clave orchard connect).',
    detail: e?.message,
  });
}
