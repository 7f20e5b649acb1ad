import { ApiError } from '@flotilla/api';
import type { Clock, TimerHandle } from '@flotilla/clock';
import { Observable, Subject } from 'rxjs';
import type { ApiObject, WatchEvent } from '../types.js';
import { type IndexFunc, InformerCache, objectKey } from './cache.js';
import { CacheLister, type Lister } from './lister.js';
import { type ListWatch, Reflector, type ReflectorOptions, type ReflectorSink } from './reflector.js';

/**
 * A change to an informer's cache.
 * - ADDED: `object` is new to the cache.
 * - MODIFIED: `object` replaced `oldObject`. A periodic resync re-emits every cached object with
 *   `object === oldObject`, so that controllers reconcile again.
 * - DELETED: `object` is the last state known (client-go's `DeletedFinalStateUnknown` when the deletion
 *   was only noticed by a re-list); `oldObject` is what the cache held.
 */
export interface InformerEvent<T> {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly object: T;
  readonly oldObject?: T;
}

/**
 * A cache of one kind, kept current by a list and a watch, with change notifications — shared by every
 * consumer of that kind (client-go's `SharedIndexInformer`).
 *
 * Eventual-consistency contract:
 * - The cache only ever holds states the server had, and converges to the server's state whenever
 *   the watch is healthy long enough: after a watch error (Gone or any other) the informer backs off,
 *   re-lists and emits exactly the differences, so no deletion is ever missed.
 * - Notifications are ordered per object and match the cache: replaying them on an empty map gives
 *   the cache's contents. A subscriber first receives ADDED for every object cached at the moment it
 *   subscribes (client-go's handler registration), then live changes.
 * - Notifications are delivered synchronously, after the cache changed: a handler that reads the lister
 *   sees the new state. Handlers must be quick — push keys to a `WorkQueue`, do the work there.
 * - `stop()` ends the watch and completes `events$`; a stopped informer does not start again.
 */
export interface Informer<T extends ApiObject> {
  readonly apiVersion: string;
  readonly kind: string;
  /** Cache changes, starting with ADDED for every object cached at subscription time. */
  readonly events$: Observable<InformerEvent<T>>;
  /** Starts listing and watching; idempotent. */
  start(): void;
  /** Stops for good: the watch ends, `events$` completes. */
  stop(): void;
  /** True once the first list is in the cache. */
  hasSynced(): boolean;
  /** Resolves once synced; rejects (ServiceUnavailable) when stopped before. */
  whenSynced(): Promise<void>;
  /** Reads the cache. */
  lister(): Lister<T>;
  /**
   * Adds an index (`pods by node`: `(p) => p.spec?.nodeName ? [p.spec.nodeName] : []`), read with
   * `lister().byIndex(name, value)`. Cached objects are indexed at once; the same function under the same
   * name is accepted again (two controllers sharing an informer), another one throws.
   */
  addIndexer(name: string, fn: IndexFunc<T>): void;
  /** The resourceVersion the cache is exact at (`undefined` before the first list). */
  readonly lastSyncResourceVersion: string | undefined;
}

export interface SharedInformerOptions extends ReflectorOptions {
  /** Re-emit every cached object as MODIFIED this often (0 or absent: never). */
  readonly resyncMs?: number;
}

export class SharedInformer<T extends ApiObject> implements Informer<T>, ReflectorSink<T> {
  readonly events$: Observable<InformerEvent<T>>;
  private readonly cache = new InformerCache<T>();
  private readonly subject = new Subject<InformerEvent<T>>();
  private readonly reflector: Reflector<T>;
  private readonly cacheLister: CacheLister<T>;
  private readonly clock: Clock;
  private readonly resyncMs: number;
  private resyncTimer: TimerHandle | undefined;
  private synced = false;
  private stopped = false;
  private waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];

  constructor(
    readonly apiVersion: string,
    readonly kind: string,
    source: ListWatch<T>,
    options: SharedInformerOptions,
  ) {
    this.clock = options.clock;
    this.resyncMs = options.resyncMs ?? 0;
    this.reflector = new Reflector<T>(source, this, options);
    this.cacheLister = new CacheLister(this.cache);
    this.events$ = new Observable<InformerEvent<T>>((subscriber) => {
      // Synchronous from the snapshot to the subscription: no change can fall in between.
      for (const object of this.cache.values()) {
        if (subscriber.closed) return undefined;
        subscriber.next({ type: 'ADDED', object });
      }
      return this.subject.subscribe(subscriber);
    });
  }

  get lastSyncResourceVersion(): string | undefined {
    return this.reflector.lastSyncResourceVersion;
  }

  /** Lists, watches and failures of the underlying reflector. */
  get stats(): { readonly lists: number; readonly watches: number; readonly failures: number } {
    return this.reflector.stats;
  }

  start(): void {
    if (this.stopped) return;
    this.reflector.start();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.reflector.stop();
    if (this.resyncTimer !== undefined) this.clock.clearTimeout(this.resyncTimer);
    this.resyncTimer = undefined;
    const error = new ApiError(
      'ServiceUnavailable',
      `informer for ${this.apiVersion}/${this.kind} was stopped`,
    );
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
    this.subject.complete();
  }

  hasSynced(): boolean {
    return this.synced;
  }

  whenSynced(): Promise<void> {
    if (this.synced) return Promise.resolve();
    if (this.stopped) {
      return Promise.reject(
        new ApiError('ServiceUnavailable', `informer for ${this.apiVersion}/${this.kind} was stopped`),
      );
    }
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  lister(): Lister<T> {
    return this.cacheLister;
  }

  addIndexer(name: string, fn: IndexFunc<T>): void {
    this.cache.addIndexer(name, fn);
  }

  // ReflectorSink ---------------------------------------------------------------------------------

  /** @internal The state after a list: apply and emit exactly the differences. */
  replace(items: readonly T[], _resourceVersion: string): void {
    if (this.cache.size === 0) {
      // The first list (or one after everything was deleted): every item is new.
      for (const object of items) {
        this.cache.set(objectKey(object), object);
        this.emit('ADDED', object, undefined);
      }
      this.markSynced();
      return;
    }
    const seen = new Set<string>();
    for (const object of items) {
      const key = objectKey(object);
      seen.add(key);
      const old = this.cache.get(key);
      if (old === undefined) {
        this.cache.set(key, object);
        this.emit('ADDED', object, undefined);
      } else if (old.metadata?.uid !== object.metadata?.uid) {
        // Deleted and re-created while we were not watching: two changes, not one.
        this.cache.delete(key);
        this.emit('DELETED', old, old);
        this.cache.set(key, object);
        this.emit('ADDED', object, undefined);
      } else if (!isSameVersion(old, object)) {
        this.cache.set(key, object);
        this.emit('MODIFIED', object, old);
      }
    }
    if (this.cache.size > seen.size) {
      const gone: string[] = [];
      for (const key of this.cache.keys()) if (!seen.has(key)) gone.push(key);
      for (const key of gone) {
        const old = this.cache.delete(key) as T;
        this.emit('DELETED', old, old);
      }
    }
    this.markSynced();
  }

  private markSynced(): void {
    if (this.synced) return;
    this.synced = true;
    for (const waiter of this.waiters.splice(0)) waiter.resolve();
    this.scheduleResync();
  }

  /** @internal One watch event. */
  apply(event: WatchEvent<T>): void {
    const object = event.object;
    const key = objectKey(object);
    if (event.type === 'DELETED') {
      const old = this.cache.delete(key);
      if (old !== undefined) this.emit('DELETED', object, old);
      return;
    }
    const cached = this.cache.get(key);
    if (cached !== undefined && isSameVersion(cached, object)) return; // a replay: nothing changed
    if (cached !== undefined && cached.metadata?.uid !== object.metadata?.uid) {
      // Another object under the same name: its predecessor's deletion was never delivered.
      this.cache.delete(key);
      this.emit('DELETED', cached, cached);
      this.cache.set(key, object);
      this.emit('ADDED', object, undefined);
      return;
    }
    this.cache.replace(key, object, cached);
    this.emit(cached === undefined ? 'ADDED' : 'MODIFIED', object, cached);
  }

  private emit(type: InformerEvent<T>['type'], object: T, oldObject: T | undefined): void {
    if (!this.subject.observed) return;
    this.subject.next(oldObject === undefined ? { type, object } : { type, object, oldObject });
  }

  private scheduleResync(): void {
    if (!(this.resyncMs > 0) || this.stopped) return;
    this.resyncTimer = this.clock.setTimeout(() => {
      this.resyncTimer = undefined;
      if (this.stopped) return;
      for (const object of [...this.cache.values()]) this.emit('MODIFIED', object, object);
      this.scheduleResync();
    }, this.resyncMs);
  }
}

function isSameVersion(a: ApiObject, b: ApiObject): boolean {
  return (
    a === b ||
    (a.metadata?.uid === b.metadata?.uid && a.metadata?.resourceVersion === b.metadata?.resourceVersion)
  );
}
