import { ApiError, isApiError, lookupKind } from '@flotilla/api';
import { type Clock, SystemClock } from '@flotilla/clock';
import { Observable } from 'rxjs';
import { boundPod, isBinding } from './binding.js';
import type { Client, ResourceClient } from './client.js';
import { deepFreeze, frozenCopy } from './freeze.js';
import { inClientScope } from './scope.js';
import type {
  ApiObject,
  DeleteOptions,
  ListOptions,
  MergePatch,
  ObjectList,
  ObjectOf,
  PatchOptions,
  WatchEvent,
  WatchOptions,
} from './types.js';

/** A request's headers and (JSON) body, as the HTTP client hands them to its transport. */
export interface HttpRequestInit {
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/**
 * A whole response: status code, body text and (optionally) headers with lower-case names — the client
 * reads `retry-after` from them.
 */
export interface HttpResponse {
  readonly status: number;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A streaming response: status code, headers (lower-case names, optional) and the body as text chunks. */
export interface HttpStreamResponse {
  readonly status: number;
  readonly chunks: AsyncIterable<string>;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * How `createHttpClient` reaches the server — the effects live outside this pure package
 * (`nodeHttpTransport` of `@flotilla/apiserver` is the Node implementation; a test may hand in a fake).
 * `path` is absolute and includes the query (`/api/v1/namespaces/default/pods?limit=5`). The transport
 * adds the server address, TLS and credentials. A failure to connect or a broken stream rejects / throws
 * (any error: the client reports it as ServiceUnavailable); non-2xx answers resolve normally.
 */
export interface HttpTransport {
  request(method: string, path: string, init: HttpRequestInit): Promise<HttpResponse>;
  /** A GET whose body is read incrementally; aborting `signal` ends the request. */
  stream(
    path: string,
    headers: Readonly<Record<string, string>>,
    signal: AbortSignal,
  ): Promise<HttpStreamResponse>;
}

export interface HttpClientOptions {
  readonly transport: HttpTransport;
  /** Waits out `Retry-After` on it (default wall time). */
  readonly clock?: Clock;
  /**
   * How many times a request answered 429 or 5xx with a `Retry-After` is sent again, after waiting
   * that many seconds (default 10, client-go's). 0 turns retries off.
   */
  readonly maxRetries?: number;
}

/** client-go's default `maxRetries`. */
export const DEFAULT_HTTP_MAX_RETRIES = 10;

const JSON_TYPE = 'application/json';
const MERGE_PATCH_TYPE = 'application/merge-patch+json';

/**
 * A `Client` over Kubernetes' REST API (the paths and bodies of `@flotilla/apiserver`, or any
 * Kubernetes-compatible server), through an injected `HttpTransport`.
 *
 * - Resource paths come from `@flotilla/api`'s kind registry (plural, namespaced); an unknown kind is
 *   guessed as `<lowercase kind>s`, namespaced when the client or object names a namespace.
 * - Non-2xx Status bodies become `ApiError.fromStatus(body)`; transport failures ServiceUnavailable.
 * - A 429 or 5xx with `Retry-After: <seconds>` (or, from a transport that reports no headers, a 429
 *   Status with `details.retryAfterSeconds`) is sent again after that wait on the clock, at most
 *   `maxRetries` times, as client-go does; then its Status is the error.
 * - `watch` streams newline-delimited JSON: an ERROR event becomes the Observable's error (Gone, …),
 *   BOOKMARKs are skipped, the end of the stream completes it, unsubscribing aborts the request.
 * - Objects returned are deep-frozen.
 */
export function createHttpClient(options: HttpClientOptions): Client {
  const retry: Retry = {
    clock: options.clock ?? new SystemClock(),
    maxRetries: Math.max(0, options.maxRetries ?? DEFAULT_HTTP_MAX_RETRIES),
  };
  const transport = retrying(options.transport, retry);
  return {
    resource<A extends string, K extends string>(apiVersion: A, kind: K): ResourceClient<ObjectOf<A, K>> {
      return new HttpResourceClient<ObjectOf<A, K>>(transport, apiVersion, kind, undefined);
    },
  };
}

interface Retry {
  readonly clock: Clock;
  readonly maxRetries: number;
}

/**
 * Seconds to wait before sending again, as client-go's `checkWait`: a 429 or 5xx with an integer
 * `Retry-After`. Without transport headers, a 429 Status' `details.retryAfterSeconds`.
 */
function retryAfterSeconds(
  status: number,
  headers: Readonly<Record<string, string>> | undefined,
  body: () => string,
): number | undefined {
  if (status !== 429 && status < 500) return undefined;
  if (headers !== undefined) {
    const text = (headers['retry-after'] ?? '').trim();
    return /^\d{1,9}$/.test(text) ? Number(text) : undefined;
  }
  if (status !== 429) return undefined;
  try {
    const seconds = (JSON.parse(body()) as { details?: { retryAfterSeconds?: unknown } })?.details
      ?.retryAfterSeconds;
    return typeof seconds === 'number' && Number.isSafeInteger(seconds) && seconds >= 0 ? seconds : undefined;
  } catch {
    return undefined;
  }
}

/** `transport` sending requests (and watch requests) again while the server says when to. */
function retrying(transport: HttpTransport, retry: Retry): HttpTransport {
  return {
    async request(method, path, init) {
      for (let attempt = 0; ; attempt++) {
        const response = await transport.request(method, path, init);
        const wait =
          attempt < retry.maxRetries
            ? retryAfterSeconds(response.status, response.headers, () => response.body)
            : undefined;
        if (wait === undefined) return response;
        await retry.clock.sleep(wait * 1000);
      }
    },
    async stream(path, headers, signal) {
      for (let attempt = 0; ; attempt++) {
        const response = await transport.stream(path, headers, signal);
        const refused = response.status === 429 || response.status >= 500;
        if (!refused || attempt >= retry.maxRetries) return response;
        // Only a refused watch is read whole (to learn whether and when to try again).
        let text = '';
        for await (const chunk of response.chunks) text += chunk;
        const wait = retryAfterSeconds(response.status, response.headers, () => text);
        if (wait === undefined) return { ...response, chunks: textChunks(text) };
        await retry.clock.sleep(wait * 1000, signal);
      }
    },
  };
}

class HttpResourceClient<T extends ApiObject> implements ResourceClient<T> {
  /** `undefined` when the kind is not in `@flotilla/api`'s registry. */
  private readonly namespaced: boolean | undefined;
  private readonly plural: string;
  private readonly group: string;

  constructor(
    private readonly transport: HttpTransport,
    readonly apiVersion: string,
    readonly kind: string,
    readonly namespaceName: string | undefined,
  ) {
    const info = lookupKind({ apiVersion, kind });
    this.namespaced = isBinding(apiVersion, kind) ? true : info?.namespaced;
    this.plural = info?.plural ?? `${kind.toLowerCase()}s`;
    const slash = apiVersion.indexOf('/');
    this.group = slash < 0 ? '' : apiVersion.slice(0, slash);
  }

  namespace(namespace: string): ResourceClient<T> {
    return new HttpResourceClient<T>(this.transport, this.apiVersion, this.kind, namespace || undefined);
  }

  get(name: string): Promise<T> {
    return this.call<T>(() => ['GET', this.objectPath(name)]);
  }

  async list(options: ListOptions = {}): Promise<ObjectList<T>> {
    const list = await this.call<ObjectList<T>>(() => [
      'GET',
      this.collectionPath(this.namespaceName) +
        query({
          labelSelector: options.labelSelector,
          fieldSelector: options.fieldSelector,
          limit: options.limit === undefined ? undefined : String(options.limit),
          continue: options.continue,
          resourceVersion: options.resourceVersion,
        }),
    ]);
    // Kubernetes may omit the items' apiVersion and kind.
    const items = (list.items ?? []).map((item) =>
      item.apiVersion && item.kind
        ? item
        : deepFreeze({ ...item, apiVersion: this.apiVersion, kind: this.kind }),
    );
    return items.every((item, i) => item === list.items[i]) ? list : deepFreeze({ ...list, items });
  }

  async create(obj: T): Promise<T> {
    if (isBinding(this.apiVersion, this.kind)) {
      let binding: T | undefined;
      await this.call<unknown>(() => {
        binding = this.checked(obj);
        const { namespace, name } = boundPod(binding);
        const pod = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`;
        return ['POST', `${pod}/binding`, binding];
      });
      return frozenCopy(binding as T);
    }
    return this.call<T>(() => {
      const checked = this.checked(obj);
      return ['POST', this.collectionPath(this.namespaceOf(checked)), checked];
    });
  }

  update(obj: T): Promise<T> {
    return this.call<T>(() => {
      const checked = this.checked(obj);
      return ['PUT', this.pathOf(checked), checked];
    });
  }

  updateStatus(obj: T): Promise<T> {
    return this.call<T>(() => {
      const checked = this.checked(obj);
      return ['PUT', `${this.pathOf(checked)}/status`, checked];
    });
  }

  patch(name: string, patch: MergePatch, options: PatchOptions = {}): Promise<T> {
    return this.call<T>(() => {
      const path = this.objectPath(name) + (options.subresource === 'status' ? '/status' : '');
      return ['PATCH', path, patch, MERGE_PATCH_TYPE];
    });
  }

  delete(name: string, options: DeleteOptions = {}): Promise<T> {
    return this.call<T>(() => [
      'DELETE',
      this.objectPath(name),
      { apiVersion: 'v1', kind: 'DeleteOptions', ...options },
    ]);
  }

  watch(options: WatchOptions = {}): Observable<WatchEvent<T>> {
    return new Observable<WatchEvent<T>>((subscriber) => {
      const abort = new AbortController();
      let path: string;
      try {
        path =
          this.collectionPath(this.namespaceName) +
          query({
            watch: '1',
            labelSelector: options.labelSelector,
            fieldSelector: options.fieldSelector,
            resourceVersion: options.resourceVersion,
            allowWatchBookmarks: 'false',
          });
      } catch (error) {
        subscriber.error(toClientError(error));
        return undefined;
      }
      const run = async () => {
        const response = await this.transport.stream(path, { Accept: JSON_TYPE }, abort.signal);
        if (response.status < 200 || response.status >= 300) {
          let text = '';
          for await (const chunk of response.chunks) text += chunk;
          throw errorOf(response.status, text);
        }
        let buffer = '';
        for await (const chunk of response.chunks) {
          buffer += chunk;
          for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
            const line = buffer.slice(0, i).trim();
            buffer = buffer.slice(i + 1);
            if (line === '') continue;
            const event = parseJson(line) as { type?: unknown; object?: unknown };
            if (event.type === 'ERROR') throw ApiError.fromStatus(asStatus(event.object));
            if (event.type === 'ADDED' || event.type === 'MODIFIED' || event.type === 'DELETED') {
              subscriber.next({ type: event.type, object: deepFreeze(event.object as T) });
            } else if (event.type !== 'BOOKMARK') {
              throw ApiError.internal(`unexpected watch event type ${JSON.stringify(event.type)}`);
            }
            if (abort.signal.aborted) return;
          }
        }
      };
      run().then(
        () => {
          if (!abort.signal.aborted) subscriber.complete();
        },
        (error: unknown) => {
          if (!abort.signal.aborted) subscriber.error(toClientError(error));
        },
      );
      return () => abort.abort();
    });
  }

  /** Sends the request `build` describes (a throw there is the result), parses and freezes the answer. */
  private async call<R>(build: () => [string, string, unknown?, string?]): Promise<R> {
    try {
      const [method, path, body, type] = build();
      const headers: Record<string, string> = { Accept: JSON_TYPE };
      if (body !== undefined) headers['Content-Type'] = type ?? JSON_TYPE;
      const response = await this.transport.request(
        method,
        path,
        body === undefined ? { headers } : { headers, body: JSON.stringify(body) },
      );
      if (response.status < 200 || response.status >= 300) throw errorOf(response.status, response.body);
      return deepFreeze(parseJson(response.body) as R);
    } catch (error) {
      throw toClientError(error);
    }
  }

  private base(): string {
    return this.group === '' ? `/api/${this.apiVersion}` : `/apis/${this.apiVersion}`;
  }

  private collectionPath(namespace: string | undefined): string {
    const scoped = namespace !== undefined && this.namespaced !== false;
    return `${this.base()}${scoped ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${this.plural}`;
  }

  private objectPath(name: string): string {
    if (this.namespaced === true && this.namespaceName === undefined) {
      throw ApiError.badRequest(`a namespace is required for ${this.kind} "${name}": use .namespace(ns)`);
    }
    if (name === '') throw ApiError.badRequest(`a name is required for ${this.kind}`);
    return `${this.collectionPath(this.namespaceName)}/${encodeURIComponent(name)}`;
  }

  private namespaceOf(obj: T): string | undefined {
    const ns = obj.metadata?.namespace;
    return ns === undefined || ns === '' ? undefined : ns;
  }

  private pathOf(obj: T): string {
    const name = obj.metadata?.name;
    if (name === undefined || name === '') {
      throw ApiError.badRequest(`metadata.name is required to update ${this.kind}`);
    }
    const ns = this.namespaceOf(obj);
    if (this.namespaced === true && ns === undefined) {
      throw ApiError.badRequest(`a namespace is required for ${this.kind} "${name}": use .namespace(ns)`);
    }
    return `${this.collectionPath(ns)}/${encodeURIComponent(name)}`;
  }

  /** The object with the client's namespace, or BadRequest when the object names another one. */
  private checked(obj: T): T {
    const { apiVersion, kind, namespaceName, namespaced } = this;
    return inClientScope({ apiVersion, kind, namespaceName, namespaced }, obj);
  }
}

async function* textChunks(text: string): AsyncIterable<string> {
  yield text;
}

function query(params: Readonly<Record<string, string | undefined>>): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) q.set(key, value);
  const text = q.toString();
  return text === '' ? '' : `?${text}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw ApiError.internal(`the server sent invalid JSON: ${text.slice(0, 200)}`);
  }
}

function asStatus(value: unknown): Parameters<typeof ApiError.fromStatus>[0] {
  return typeof value === 'object' && value !== null
    ? (value as Parameters<typeof ApiError.fromStatus>[0])
    : {};
}

/** A non-2xx answer: its Status body, or just its code when the body is not a Status. */
function errorOf(code: number, text: string): ApiError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const status = asStatus(body);
  return ApiError.fromStatus({
    ...status,
    code: typeof status.code === 'number' ? status.code : code,
    ...(status.message === undefined ? { message: text.trim() || `HTTP ${code}` } : {}),
  });
}

/** An `ApiError` as is; anything else (the transport failed) as ServiceUnavailable keeping the message. */
function toClientError(error: unknown): ApiError {
  if (isApiError(error)) return error;
  return new ApiError('ServiceUnavailable', error instanceof Error ? error.message : String(error));
}
