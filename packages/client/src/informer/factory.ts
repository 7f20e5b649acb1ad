import { ApiError } from '@flotilla/api';
import type { BackoffPolicy, Clock, Random } from '@flotilla/clock';
import { isSelectorParseError, parseSelector } from '@flotilla/labels';
import type { Observable } from 'rxjs';
import type { Client, ResourceClient } from '../client.js';
import type { ApiObject, ListOptions, ObjectList, ObjectOf, WatchEvent, WatchOptions } from '../types.js';
import type { ListWatch } from './reflector.js';
import { type Informer, SharedInformer } from './shared-informer.js';

export interface SharedInformerFactoryOptions {
  /** Time for back-off, resync and watch timeouts; a `VirtualClock` makes informers deterministic. */
  readonly clock: Clock;
  /** Re-emit every cached object as MODIFIED this often (default 0: never). */
  readonly resyncMs?: number;
  /** Back-off between failed lists/watches (default 200 ms doubling to 30 s). */
  readonly backoff?: BackoffPolicy;
  /** Needed only for `backoff.jitter` > 0. */
  readonly random?: Random;
  /** A watch that lived this long resets the back-off (default 60 s). */
  readonly resetAfterMs?: number;
  /** List in pages of this size (default: one request). */
  readonly pageSize?: number;
  /** End and resume each watch after this long (default: never; see `ReflectorOptions`). */
  readonly watchTimeoutMs?: number;
  /** Told about every list or watch failure, with the kind it concerns. */
  readonly onWatchError?: (error: ApiError, informer: { apiVersion: string; kind: string }) => void;
}

export interface InformerScope {
  /** Only this namespace (default: all). */
  readonly namespace?: string;
  /** Only objects matching this label selector. */
  readonly labelSelector?: string;
  /** Only objects matching this field selector (`spec.nodeName=n1` for a node agent). */
  readonly fieldSelector?: string;
}

/**
 * Hands out one shared informer per kind and scope, so that every controller watching Pods shares one
 * watch and one cache (client-go's `SharedInformerFactory`).
 *
 * - `informerFor` with the same kind and scope (selectors compared in canonical form) returns the same
 *   informer.
 * - `start()` starts every informer handed out so far, and every later one as it is handed out;
 *   `stop()` stops them all.
 */
export class SharedInformerFactory {
  private readonly informers = new Map<string, SharedInformer<ApiObject>>();
  private started = false;
  private stopped = false;

  constructor(
    private readonly client: Client,
    private readonly options: SharedInformerFactoryOptions,
  ) {}

  informerFor<A extends string, K extends string>(
    apiVersion: A,
    kind: K,
    scope: InformerScope = {},
  ): Informer<ObjectOf<A, K>> {
    const labelSelector = canonicalSelector(scope.labelSelector);
    const fieldSelector = scope.fieldSelector?.trim() || undefined;
    const namespace = scope.namespace || undefined;
    const id = JSON.stringify([apiVersion, kind, namespace ?? '', labelSelector ?? '', fieldSelector ?? '']);
    let informer = this.informers.get(id);
    if (informer === undefined) {
      let resource = this.client.resource(apiVersion, kind) as ResourceClient<ApiObject>;
      if (namespace !== undefined) resource = resource.namespace(namespace);
      const source = filtered(resource, labelSelector, fieldSelector);
      const { onWatchError, ...rest } = this.options;
      informer = new SharedInformer<ApiObject>(apiVersion, kind, source, {
        ...rest,
        ...(onWatchError === undefined
          ? {}
          : { onError: (error) => onWatchError(error, { apiVersion, kind }) }),
      });
      this.informers.set(id, informer);
      if (this.stopped) informer.stop();
      else if (this.started) informer.start();
    }
    return informer as unknown as Informer<ObjectOf<A, K>>;
  }

  /** Starts every informer (and those handed out later). */
  start(): void {
    if (this.stopped) return;
    this.started = true;
    for (const informer of this.informers.values()) informer.start();
  }

  /** Stops every informer, for good. */
  stop(): void {
    this.stopped = true;
    for (const informer of this.informers.values()) informer.stop();
  }

  /** Resolves once every informer handed out so far has synced. */
  async whenSynced(): Promise<void> {
    await Promise.all([...this.informers.values()].map((informer) => informer.whenSynced()));
  }

  /** True when every informer handed out so far has synced. */
  hasSynced(): boolean {
    for (const informer of this.informers.values()) if (!informer.hasSynced()) return false;
    return true;
  }
}

function canonicalSelector(text: string | undefined): string | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  try {
    const selector = parseSelector(text);
    return selector.isEmpty() ? undefined : selector.toString();
  } catch (error) {
    if (isSelectorParseError(error)) throw ApiError.badRequest(error.detail);
    throw error;
  }
}

function filtered<T>(
  source: ListWatch<T>,
  labelSelector: string | undefined,
  fieldSelector: string | undefined,
): ListWatch<T> {
  const selectors = {
    ...(labelSelector === undefined ? {} : { labelSelector }),
    ...(fieldSelector === undefined ? {} : { fieldSelector }),
  };
  return {
    list: (options: ListOptions): Promise<ObjectList<T>> => source.list({ ...options, ...selectors }),
    watch: (options: WatchOptions): Observable<WatchEvent<T>> => source.watch({ ...options, ...selectors }),
  };
}
