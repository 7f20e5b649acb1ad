import { ApiError } from '@flotilla/api';
import { Observable, type Subscriber } from 'rxjs';
import {
  type Backend,
  type BackendEvent,
  type BackendValue,
  backendErrors,
  type DeferredText,
  type KeyValue,
  type RangeOptions,
  type RangeResult,
  watchStartError,
} from './backend.js';
import { lowerBound, SortedKeys, upperBound } from './sorted-keys.js';

export interface MemoryBackendOptions {
  /**
   * Events kept for watches that start in the past (default 10,000). Older events are compacted
   * automatically: a watch or read before the oldest kept revision fails with Gone.
   */
  readonly historyLimit?: number;
}

interface Watcher {
  readonly prefix: string;
  /** The next revision to deliver. */
  cursor: number;
  readonly subscriber: Subscriber<readonly BackendEvent[]>;
}

/**
 * `Backend` in process memory: a Map of current values, a lazily sorted key list for ranges, and a
 * bounded log of events that serves watches from the past and reads at older revisions.
 *
 * - Writes apply synchronously and resolve at once; watchers are fed on a microtask after the write, all
 *   pending events in one batch per watcher.
 * - History holds `historyLimit` events; events a live watcher has not received yet are kept beyond the
 *   limit until delivered, so no watcher ever falls behind a compaction.
 * - Reads at an older revision rebuild the state by undoing later events (O(history)).
 */
export class MemoryBackend implements Backend {
  readonly keepsDeferredText = true;
  private readonly data = new Map<string, KeyValue>();
  private readonly keys = new SortedKeys((key) => this.data.has(key));
  /** `history[i]` is the event of revision `historyStart + i`. */
  private history: BackendEvent[] = [];
  private historyStart = 1;
  private revision = 0;
  private compacted = 0;
  private readonly watchers = new Set<Watcher>();
  private flushScheduled = false;
  private closed = false;
  private readonly historyLimit: number;

  constructor(options: MemoryBackendOptions = {}) {
    const limit = options.historyLimit ?? 10_000;
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`historyLimit must be a positive integer, got ${limit}`);
    }
    this.historyLimit = limit;
  }

  async currentRevision(): Promise<number> {
    this.checkOpen();
    return this.revision;
  }

  async compactedRevision(): Promise<number> {
    this.checkOpen();
    return this.compacted;
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.checkOpen();
    return this.data.get(key);
  }

  async range(prefix: string, options: RangeOptions = {}): Promise<RangeResult> {
    this.checkOpen();
    const { limit, startAfter } = options;
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
      throw badLimit(limit);
    }
    const revision = options.revision ?? this.revision;
    if (!Number.isSafeInteger(revision) || revision < 0) throw backendErrors.badRevision(revision);
    if (revision < this.compacted) throw backendErrors.compacted(revision, this.compacted);
    if (revision > this.revision) throw backendErrors.futureRevision(revision, this.revision);
    if (revision === this.revision) return this.rangeCurrent(prefix, revision, limit, startAfter);
    return this.rangePast(prefix, revision, limit, startAfter);
  }

  private rangeCurrent(
    prefix: string,
    revision: number,
    limit: number | undefined,
    startAfter: string | undefined,
  ): RangeResult {
    const keys = this.keys.keys();
    let i =
      startAfter !== undefined && startAfter >= prefix
        ? upperBound(keys, startAfter)
        : lowerBound(keys, prefix);
    const items: KeyValue[] = [];
    const max = limit ?? Number.POSITIVE_INFINITY;
    for (; i < keys.length; i++) {
      const key = keys[i] as string;
      if (!key.startsWith(prefix)) break;
      if (items.length >= max) return { items, revision, more: true };
      items.push(this.data.get(key) as KeyValue);
    }
    return { items, revision, more: false };
  }

  private rangePast(
    prefix: string,
    revision: number,
    limit: number | undefined,
    startAfter: string | undefined,
  ): RangeResult {
    // Undo every event after `revision`, newest first: the last assignment is the state at `revision`.
    const past = new Map<string, KeyValue | undefined>();
    for (let rev = this.revision; rev > revision; rev--) {
      const event = this.history[rev - this.historyStart] as BackendEvent;
      if (event.kv.key.startsWith(prefix)) past.set(event.kv.key, event.prevKv);
    }
    const candidates = new Set<string>();
    const keys = this.keys.keys();
    for (let i = lowerBound(keys, prefix); i < keys.length; i++) {
      const key = keys[i] as string;
      if (!key.startsWith(prefix)) break;
      candidates.add(key);
    }
    for (const key of past.keys()) candidates.add(key);
    const sorted = [...candidates].sort();
    const items: KeyValue[] = [];
    const max = limit ?? Number.POSITIVE_INFINITY;
    for (const key of sorted) {
      if (startAfter !== undefined && key <= startAfter) continue;
      const kv = past.has(key) ? past.get(key) : this.data.get(key);
      if (kv === undefined) continue;
      if (items.length >= max) return { items, revision, more: true };
      items.push(kv);
    }
    return { items, revision, more: false };
  }

  async create(key: string, value: BackendValue): Promise<number> {
    this.checkOpen();
    if (this.data.has(key)) throw backendErrors.alreadyExists(key);
    const revision = ++this.revision;
    const kv = keyValue(key, value, revision, revision, 1);
    this.data.set(key, kv);
    this.keys.add(key);
    this.record({ type: 'put', kv });
    return revision;
  }

  async update(key: string, value: BackendValue, expectedModRevision: number): Promise<number> {
    this.checkOpen();
    const prevKv = this.data.get(key);
    if (prevKv === undefined) throw backendErrors.notFound(key);
    if (prevKv.modRevision !== expectedModRevision) {
      throw backendErrors.conflict(key, expectedModRevision, prevKv.modRevision);
    }
    const revision = ++this.revision;
    const kv = keyValue(key, value, prevKv.createRevision, revision, prevKv.version + 1);
    this.data.set(key, kv);
    this.record({ type: 'put', kv, prevKv });
    return revision;
  }

  async delete(key: string, expectedModRevision?: number): Promise<number> {
    this.checkOpen();
    const prevKv = this.data.get(key);
    if (prevKv === undefined) throw backendErrors.notFound(key);
    if (expectedModRevision !== undefined && prevKv.modRevision !== expectedModRevision) {
      throw backendErrors.conflict(key, expectedModRevision, prevKv.modRevision);
    }
    const revision = ++this.revision;
    this.data.delete(key);
    this.keys.remove(key);
    this.record({
      type: 'delete',
      kv: { key, value: '', createRevision: 0, modRevision: revision, version: 0 },
      prevKv,
    });
    return revision;
  }

  watch(prefix: string, afterRevision: number): Observable<readonly BackendEvent[]> {
    return new Observable<readonly BackendEvent[]>((subscriber) => {
      const refused = watchStartError(this.closed, afterRevision, () => this.compacted);
      if (refused) {
        subscriber.error(refused);
        return;
      }
      const watcher: Watcher = { prefix, cursor: afterRevision + 1, subscriber };
      this.watchers.add(watcher);
      if (watcher.cursor <= this.revision) this.scheduleFlush();
      return () => {
        this.watchers.delete(watcher);
      };
    });
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    if (revision > this.revision) throw backendErrors.futureRevision(revision, this.revision);
    if (revision <= this.compacted) return;
    this.compacted = revision;
    this.trim();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const watchers = [...this.watchers];
    this.watchers.clear();
    for (const w of watchers) w.subscriber.complete();
  }

  private checkOpen(): void {
    if (this.closed) throw backendErrors.closed();
  }

  private record(event: BackendEvent): void {
    this.history.push(event);
    if (this.history.length > this.historyLimit) {
      const oldestKept = this.revision - this.historyLimit + 1;
      if (oldestKept > this.compacted) this.compacted = oldestKept;
      // Physical trimming is batched so that it costs O(1) amortised per write.
      if (this.history.length >= this.historyLimit + Math.max(1024, this.historyLimit >>> 2)) this.trim();
    }
    if (this.watchers.size > 0) this.scheduleFlush();
  }

  /** Drops events before the compacted revision that no live watcher still needs. */
  private trim(): void {
    let keepFrom = this.compacted;
    for (const w of this.watchers) if (w.cursor < keepFrom) keepFrom = w.cursor;
    const drop = keepFrom - this.historyStart;
    if (drop <= 0) return;
    this.history = this.history.slice(drop);
    this.historyStart += drop;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    const end = this.revision;
    // Consecutive watchers on the same prefix at the same cursor (the common case: every informer of
    // a resource) share one batch array; batches are read-only to consumers.
    let lastPrefix: string | undefined;
    let lastCursor = -1;
    let batch: BackendEvent[] = [];
    for (const w of this.watchers) {
      if (w.cursor > end) continue;
      if (w.cursor !== lastCursor || w.prefix !== lastPrefix) {
        batch = [];
        for (let rev = w.cursor; rev <= end; rev++) {
          const event = this.history[rev - this.historyStart] as BackendEvent;
          if (event.kv.key.startsWith(w.prefix)) batch.push(event);
        }
        lastPrefix = w.prefix;
        lastCursor = w.cursor;
      }
      w.cursor = end + 1;
      if (batch.length > 0) w.subscriber.next(batch);
    }
  }
}

/** A KeyValue; a deferred value's text is made when `value` is first read. */
function keyValue(
  key: string,
  value: BackendValue,
  createRevision: number,
  modRevision: number,
  version: number,
): KeyValue {
  if (typeof value === 'string') return { key, value, createRevision, modRevision, version };
  return new DeferredKeyValue(key, value, createRevision, modRevision, version);
}

/**
 * The KeyValue of a deferred value: `value` is a getter on the prototype (an object literal with an
 * own getter took a closure and a dictionary-mode object, ~0.5 kB per version kept in the history);
 * `toJSON` gives the plain KeyValue with its text.
 */
class DeferredKeyValue implements KeyValue {
  constructor(
    readonly key: string,
    readonly deferred: DeferredText,
    readonly createRevision: number,
    readonly modRevision: number,
    readonly version: number,
  ) {}

  get value(): string {
    return this.deferred.text;
  }

  toJSON(): Omit<KeyValue, 'deferred'> {
    const { key, value, createRevision, modRevision, version } = this;
    return { key, value, createRevision, modRevision, version };
  }
}

function badLimit(limit: number): ApiError {
  return ApiError.badRequest(`limit must be a positive integer, got ${limit}`);
}
