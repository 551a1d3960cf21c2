// The Orchard controller's REST API (contracts/orchard.md §3): Basic auth with a service account,
// every call bounded in time and in the size of what it reads, every failure an OrchardError.
// The token lives only in the Authorization header built here; it is never logged or shown.
import type { z } from 'zod';
import { displayUrl, httpError, networkError, OrchardError } from './errors';
import { Vm, VmList, type VmSpec } from './schema';

export interface OrchardCredentials {
  /** The API root, e.g. http://127.0.0.1:6120/v1. */
  url: string;
  serviceAccount: string;
  token: string;
}

export interface OrchardClientOptions {
  /** Per request, to the response's end (a watch is not bounded). Default 15 s. */
  timeoutMs?: number;
  /** Largest response body read. Default 8 MiB. */
  maxBodyBytes?: number;
}

/** What Clave says it is: also what makes the controller expect binary port-forward frames. */
export const USER_AGENT = 'Clave';

export class OrchardClient {
  readonly controller: string;
  readonly account: string;
  private readonly base: string;
  private readonly authorization: string;
  private readonly timeoutMs: number;
  private readonly maxBodyBytes: number;

  constructor(credentials: OrchardCredentials, options: OrchardClientOptions = {}) {
    // User info typed into the URL would reach error messages (fetch quotes the URL): drop it.
    const url = new URL(credentials.url);
    url.username = '';
    url.password = '';
    this.base = url.toString().replace(/\/+$/, '');
    this.controller = displayUrl(credentials.url);
    this.account = credentials.serviceAccount;
    this.authorization = `Basic ${Buffer.from(`${credentials.serviceAccount}:${credentials.token}`).toString('base64')}`;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.maxBodyBytes = options.maxBodyBytes ?? 8 * 1024 * 1024;
  }

  /** Headers for any request to the controller (HTTP or WebSocket). */
  headers(): Record<string, string> {
    return { authorization: this.authorization, 'user-agent': USER_AGENT };
  }

  /** `path` under the API root, e.g. `/vms/a`, as an http(s) or ws(s) URL. */
  url(path: string, websocket = false): string {
    const url = `${this.base}${path}`;
    return websocket ? url.replace(/^http/, 'ws') : url;
  }

  createVm(spec: VmSpec, signal?: AbortSignal): Promise<Vm> {
    return this.json(
      'POST',
      '/vms',
      Vm,
      { what: `Could not create the Orchard VM ${spec.name}`, vm: spec.name, signal },
      spec,
    );
  }

  getVm(name: string, signal?: AbortSignal): Promise<Vm> {
    return this.json('GET', vmPath(name), Vm, {
      what: `Could not read the Orchard VM ${name}`,
      vm: name,
      signal,
    });
  }

  listVms(signal?: AbortSignal): Promise<Vm[]> {
    return this.json('GET', '/vms', VmList, {
      what: `Could not list the VMs of the Orchard controller ${this.controller}`,
      signal,
    });
  }

  /** Deletes the VM resource (its worker stops it); false when it did not exist. */
  async deleteVm(name: string, signal?: AbortSignal): Promise<boolean> {
    try {
      await this.send('DELETE', vmPath(name), {
        what: `Could not delete the Orchard VM ${name}`,
        vm: name,
        signal,
      });
      return true;
    } catch (error) {
      if (error instanceof OrchardError && error.code === 'orchard.not-found') return false;
      throw error;
    }
  }

  /**
   * `GET /vms/{name}?watch=true`: the open response, its body an ndjson stream of changes. Not
   * bounded in time: the controller sends its headers with the first change (gin writes them
   * then), so a quiet VM keeps this pending; `signal` ends it (followVm's idle limit does).
   */
  async watchVm(name: string, signal: AbortSignal): Promise<Response> {
    const what = `Could not follow the Orchard VM ${name}`;
    const res = await this.fetch('GET', `${vmPath(name)}?watch=true`, signal, what);
    if (!res.ok) throw await this.failure(res, what, name);
    return res;
  }

  private async json<S extends z.ZodType>(
    method: string,
    path: string,
    schema: S,
    context: { what: string; vm?: string; signal?: AbortSignal | undefined },
    body?: unknown,
  ): Promise<z.output<S>> {
    const text = await this.send(method, path, context, body);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const result = schema.safeParse(parsed);
    if (!result.success)
      throw new OrchardError({
        code: 'orchard.bad-response',
        what: context.what,
        why: `The answer from ${this.controller} is not what an Orchard controller sends.`,
        fix: 'Check that the URL is the controller’s API (it ends in /v1) and that its version is current.',
        detail: result.error?.issues
          .slice(0, 5)
          .map((i) => `${i.path.join('.')}: ${i.message}`)
          .join('; '),
      });
    return result.data;
  }

  /** One bounded request; the body of a 2xx answer, else its error. */
  private async send(
    method: string,
    path: string,
    context: { what: string; vm?: string; signal?: AbortSignal | undefined },
    body?: unknown,
  ): Promise<string> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = context.signal ? AbortSignal.any([context.signal, timeout]) : timeout;
    const res = await this.fetch(method, path, signal, context.what, body);
    if (!res.ok) throw await this.failure(res, context.what, context.vm);
    try {
      return await readBounded(res, this.maxBodyBytes);
    } catch (error) {
      throw error instanceof OrchardError
        ? error
        : networkError(context.what, this.controller, error);
    }
  }

  private async fetch(
    method: string,
    path: string,
    signal: AbortSignal,
    what: string,
    body?: unknown,
  ): Promise<Response> {
    try {
      return await fetch(this.url(path), {
        method,
        headers: {
          ...this.headers(),
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal,
        redirect: 'error',
      });
    } catch (error) {
      throw networkError(what, this.controller, signal.reason ?? error);
    }
  }

  private async failure(
    res: Response,
    what: string,
    vm: string | undefined,
  ): Promise<OrchardError> {
    const body = await readBounded(res, 64 * 1024).catch(() => '');
    return httpError({
      what,
      status: res.status,
      body,
      controller: this.controller,
      account: this.account,
      ...(vm === undefined ? {} : { vm }),
    });
  }
}

function vmPath(name: string): string {
  return `/vms/${encodeURIComponent(name)}`;
}

/** A response body as text, refusing (and cancelling) one larger than `max` bytes. */
export async function readBounded(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > max) {
      await res.body.cancel().catch(() => {});
      throw new OrchardError({
        code: 'orchard.bad-response',
        what: 'The Orchard controller’s answer is too large',
        why: `It is over ${max} bytes.`,
        fix: 'Check that the URL is the controller’s API (it ends in /v1).',
      });
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}
