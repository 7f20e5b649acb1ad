import { ApiError } from '@flotilla/api';
import { LabelIndex, readFieldPath } from '@flotilla/labels';
import type { Subscription } from 'rxjs';
import {
  type Backend,
  type BackendEvent,
  type BackendValue,
  DeferredText,
  type KeyValue,
  textOf,
} from './backend.js';
import { deepFreeze } from './freeze.js';
import { SortedKeys } from './sorted-keys.js';
import type { StoredForm } from './stored-form.js';
import type { StoreObject } from './types.js';

/** One change as the cache saw it; objects are frozen and carry their resourceVersion. */
export interface CacheEvent {
  readonly type: 'put' | 'delete';
  readonly key: string;
  readonly revision: number;
  /** The new state; for a delete, the last state stamped with the delete's revision. */
  readonly object: StoreObject;
  /** The state before the change (absent on create). */
  readonly prev: StoreObject | undefined;
}

interface Pending {
  readonly value: BackendValue;
  object: StoreObject | undefined;
  seen: boolean;
  returned: boolean;
}

/**
 * The value of a write whose stored form was built (see `storedForm`): its text is made on demand,
 * and it is the write's object at its revision — one identity for the write's result, its watch
 * event, and any later read of the kept value (a re-list from a `MemoryBackend`).
 */
export class StoredText extends DeferredText {
  private object: StoreObject | undefined;

  constructor(private readonly form: StoredForm) {
    super();
  }

  protected override make(): string {
    return this.form.encode();
  }

  objectAt(revision: number): StoreObject {
    this.object ??= this.form.build(revision);
    return this.object;
  }
}

/** The stored object of `value` written under `key` at `revision`: the StoredText's, or the text parsed. */
function objectOfValue(value: BackendValue, key: string, revision: number): StoreObject {
  if (value instanceof StoredText) return value.objectAt(revision);
  return decodeObject({ key, value: textOf(value), modRevision: revision, createRevision: 0, version: 0 });
}

export type CacheListener = (event: CacheEvent) => void;

/** Reads a stored value: JSON without resourceVersion, which comes from the key's mod revision. */
export function decodeObject(kv: KeyValue): StoreObject {
  const obj = JSON.parse(kv.value) as { metadata?: Record<string, unknown> };
  obj.metadata ??= {};
  obj.metadata.resourceVersion = String(kv.modRevision);
  return deepFreeze(obj) as unknown as StoreObject;
}

/** The stored form: the object's JSON without `metadata.resourceVersion`. */
export function encodeObject(obj: StoreObject): string {
  const { resourceVersion: _, ...metadata } = obj.metadata ?? {};
  return JSON.stringify({ ...obj, metadata });
}

/**
 * True when `kv` holds `value`: the same `DeferredText` (a memory backend keeps it), else the same
 * text (a backend that stored the text; a deferred value's text was made when it was written).
 */
function isValueOf(value: BackendValue, kv: KeyValue): boolean {
  if (kv.deferred !== undefined) return kv.deferred === value;
  return textOf(value) === kv.value;
}

function withResourceVersion(obj: StoreObject, revision: number): StoreObject {
  return deepFreeze({ ...obj, metadata: { ...obj.metadata, resourceVersion: String(revision) } });
}

/**
 * The watch cache of one resource (Kubernetes' Cacher): every object under the resource's key prefix,
 * frozen, with a label index and a bounded ring of recent events, kept current by one backend watch.
 *
 * - `revision` is the revision the cached state is exact at: the initial list's, then each event's.
 * - Objects this store wrote are taken from the write (`expect`) instead of being parsed again.
 * - If the backend watch fails (compaction overtook it), the cache lists again and every subscriber
 *   gets Gone, as Kubernetes terminates watches on a cache re-initialisation.
 */
export class ResourceCache {
  readonly objects = new Map<string, StoreObject>();
  readonly sortedKeys = new SortedKeys((key) => this.objects.has(key));
  readonly labels = new LabelIndex();
  revision = 0;
  private ring: CacheEvent[] = [];
  private readonly listeners = new Set<ListenerEntry>();
  /**
   * Listeners that only care about objects whose `field` equals one value (an agent's
   * `spec.nodeName=node-7` watch): reached through `field → value → listeners`, so one write costs
   * O(1) per such field instead of one selector check per node — the kube-apiserver watch cache's trick.
   */
  private readonly routed = new Map<string, Map<string, Set<ListenerEntry>>>();
  private waiters: { revision: number; resolve: () => void }[] = [];
  private readonly pending = new Map<string, Pending>();
  private subscription: Subscription | undefined;
  private starting: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly backend: Backend,
    readonly prefix: string,
    private readonly ringCapacity: number,
  ) {}

  /** Lists and starts watching once; later calls return the same promise. */
  ready(): Promise<void> {
    this.starting ??= this.start();
    return this.starting;
  }

  /** The revision of the oldest event still in the ring minus one: watches from earlier get Gone. */
  get oldestWatchable(): number {
    const first = this.ring[0];
    return first === undefined ? this.revision : first.revision - 1;
  }

  /** Resolves once the cache reflects `revision` (events for this prefix up to it were applied). */
  waitFor(revision: number): Promise<void> {
    if (this.revision >= revision) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ revision, resolve }));
  }

  /**
   * Announces a write this store is about to make, so that whichever comes first, the write's
   * result or its watch event, makes the stored object once and both share it (one identity): the
   * `StoredText`'s object, or else the stored text parsed. `settle` or `cancel` must follow. A
   * `StoredText` written to a backend that keeps it needs no bookkeeping: the event carries it.
   */
  expect(key: string, value: BackendValue): void {
    if (value instanceof StoredText && this.backend.keepsDeferredText) return;
    this.pending.set(key, { value, object: undefined, seen: false, returned: false });
  }

  /** The stored object of a write announced with `expect` that succeeded at `revision`. */
  settle(key: string, value: BackendValue, revision: number): StoreObject {
    const p = this.pending.get(key);
    if (p === undefined || p.value !== value) return objectOfValue(value, key, revision);
    p.object ??= objectOfValue(value, key, revision);
    p.returned = true;
    if (p.seen) this.pending.delete(key);
    return p.object;
  }

  /** Forgets an announced write that failed. */
  cancel(key: string, value: BackendValue): void {
    if (this.pending.get(key)?.value === value) this.pending.delete(key);
  }

  /** Ring events after `revision`, oldest first. */
  eventsAfter(revision: number): CacheEvent[] {
    let lo = 0;
    let hi = this.ring.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.ring[mid] as CacheEvent).revision <= revision) lo = mid + 1;
      else hi = mid;
    }
    return this.ring.slice(lo);
  }

  /**
   * Calls `listener` for every event; with `route`, only for events whose object (before or after the
   * change) has `route.field` equal to `route.value` — a listener whose filter requires that anyway
   * misses nothing.
   */
  subscribe(listener: CacheListener, fail: (error: unknown) => void, route?: CacheRoute): () => void {
    const entry = { listener, fail };
    if (route === undefined) {
      this.listeners.add(entry);
      return () => this.listeners.delete(entry);
    }
    let byValue = this.routed.get(route.field);
    if (byValue === undefined) {
      byValue = new Map();
      this.routed.set(route.field, byValue);
    }
    let set = byValue.get(route.value);
    if (set === undefined) {
      set = new Set();
      byValue.set(route.value, set);
    }
    const entries = set;
    entries.add(entry);
    return () => {
      entries.delete(entry);
      if (entries.size === 0 && byValue.get(route.value) === entries) byValue.delete(route.value);
    };
  }

  private *allListeners(): Iterable<ListenerEntry> {
    yield* this.listeners;
    for (const byValue of this.routed.values()) for (const set of byValue.values()) yield* set;
  }

  close(): void {
    this.closed = true;
    this.subscription?.unsubscribe();
    for (const { fail } of [...this.allListeners()])
      fail(new ApiError('ServiceUnavailable', 'object store is closed'));
    this.listeners.clear();
    this.routed.clear();
  }

  private async start(): Promise<void> {
    const first = await this.backend.range(this.prefix, { limit: 10_000 });
    const revision = first.revision;
    let page = first;
    for (;;) {
      for (const kv of page.items) this.apply(kv.key, this.objectOf(kv), this.objects.get(kv.key));
      const last = page.items[page.items.length - 1];
      if (!page.more || last === undefined) break;
      page = await this.backend.range(this.prefix, { limit: 10_000, revision, startAfter: last.key });
    }
    this.revision = revision;
    this.resolveWaiters();
    if (this.closed) return;
    this.subscription = this.backend.watch(this.prefix, revision).subscribe({
      next: (batch) => this.onBatch(batch),
      error: (error: unknown) => this.restart(error),
    });
  }

  private restart(error: unknown): void {
    if (this.closed) return;
    for (const { fail } of [...this.allListeners()]) fail(error);
    this.listeners.clear();
    this.routed.clear();
    this.objects.clear();
    this.labels.clear();
    this.ring = [];
    this.pending.clear();
    this.starting = this.start();
    this.starting.catch(() => undefined);
  }

  /** The object for a stored value: the announced one when this store wrote it, else parsed. */
  private objectOf(kv: KeyValue): StoreObject {
    if (kv.deferred instanceof StoredText) return kv.deferred.objectAt(kv.modRevision);
    const p = this.pending.get(kv.key);
    if (p === undefined || !isValueOf(p.value, kv)) return decodeObject(kv);
    p.object ??= objectOfValue(p.value, kv.key, kv.modRevision);
    p.seen = true;
    if (p.returned) this.pending.delete(kv.key);
    return p.object;
  }

  private apply(key: string, object: StoreObject, prev: StoreObject | undefined): void {
    if (prev === undefined) this.sortedKeys.add(key);
    this.objects.set(key, object);
    // A stored form shares an unchanged labels object with the version before: nothing to re-index.
    const labels = object.metadata?.labels;
    if (prev === undefined || labels !== prev.metadata?.labels) this.labels.set(key, labels ?? {});
  }

  private onBatch(batch: readonly BackendEvent[]): void {
    for (const e of batch) {
      const key = e.kv.key;
      const revision = e.kv.modRevision;
      const prev = this.objects.get(key);
      let event: CacheEvent;
      if (e.type === 'put') {
        const object = this.objectOf(e.kv);
        this.apply(key, object, prev);
        event = { type: 'put', key, revision, object, prev };
      } else {
        const last = prev ?? decodeObject(e.prevKv);
        this.objects.delete(key);
        this.sortedKeys.remove(key);
        this.labels.delete(key);
        event = { type: 'delete', key, revision, object: withResourceVersion(last, revision), prev: last };
      }
      this.revision = revision;
      this.ring.push(event);
      for (const { listener } of this.listeners) listener(event);
      for (const [field, byValue] of this.routed) {
        const now = readFieldPath(event.object, field);
        for (const entry of byValue.get(now) ?? []) entry.listener(event);
        if (event.prev === undefined) continue;
        const before = readFieldPath(event.prev, field);
        if (before !== now) for (const entry of byValue.get(before) ?? []) entry.listener(event);
      }
    }
    if (this.ring.length > this.ringCapacity + Math.max(256, this.ringCapacity >>> 2)) {
      this.ring = this.ring.slice(this.ring.length - this.ringCapacity);
    }
    this.resolveWaiters();
  }

  private resolveWaiters(): void {
    if (this.waiters.length === 0) return;
    const due = this.waiters.filter((w) => w.revision <= this.revision);
    this.waiters = this.waiters.filter((w) => w.revision > this.revision);
    for (const w of due) w.resolve();
  }
}

interface ListenerEntry {
  readonly listener: CacheListener;
  readonly fail: (error: unknown) => void;
}

/** Deliver only events whose object has `field` (a dotted path) equal to `value`. */
export interface CacheRoute {
  readonly field: string;
  readonly value: string;
}
