import { ApiError, hasReason } from '@flotilla/api';
import type { Observable } from 'rxjs';

/**
 * The storage contract under the object store: a revisioned key-value store with etcd v3's semantics.
 * An adapter (memory, SQLite, etcd) implements `Backend` and passes `describeBackendConformance`
 * from `@flotilla/store/testing`; nothing above this layer knows which one it runs on.
 *
 * Guarantees every backend gives:
 * - One global revision that every successful write (create, update, delete) moves forward and is
 *   stamped with (`modRevision`): each write's revision is greater than every earlier one. Failed
 *   writes do not move it. `MemoryBackend` starts at 0 and steps by one; an adapter over a shared etcd
 *   may start higher and skip revisions used by others. Revisions are positive safe integers.
 * - Keys are strings compared by code unit (the same order as etcd's byte order for ASCII keys, which
 *   is all Flotilla writes). Values are strings (JSON text for the object store).
 * - Conditional writes are atomic: `update`/`delete` with an expected mod revision either apply at
 *   exactly that state or fail with Conflict and change nothing.
 * - A watch delivers every change after its start revision whose key starts with its prefix, in
 *   revision order, exactly once, in batches; it may end with a Gone error when the events it needs
 *   were compacted away (the consumer re-lists and watches from the list's revision).
 * - Every failure is an `ApiError`: NotFound, AlreadyExists, Conflict, Gone, BadRequest (a revision in
 *   the future, a bad argument), ServiceUnavailable (closed), and Timeout (see `unknownOutcome`).
 *
 * Values are strings, not bytes, because every value Flotilla stores is JSON: strings compare with
 * `===` in tests and map to etcd's bytes and SQLite's TEXT with one UTF-8 conversion at the edge. A
 * writer may hand over a `DeferredText` instead (see there): a backend that persists takes its `text`
 * at once; `MemoryBackend` keeps it and makes the text only when someone reads the value.
 */
export interface Backend {
  /**
   * True when the backend keeps a `DeferredText` it is given and hands it back as `KeyValue.deferred`
   * (`MemoryBackend`): a writer can then recognise its own writes in watch events by identity.
   */
  readonly keepsDeferredText?: boolean;

  /** The revision of the last successful write (0 for a new, empty `MemoryBackend`). */
  currentRevision(): Promise<number>;

  /** The current value of `key`, or `undefined` when it does not exist. */
  get(key: string): Promise<KeyValue | undefined>;

  /**
   * Keys starting with `prefix`, in key order, at `options.revision` (default: the current revision).
   * - `startAfter` skips keys up to and including it (paging: pass the last key of the previous page).
   * - `limit` (> 0) caps the items; `more` tells whether keys were left.
   * - A revision older than the compacted revision fails with Gone; one newer than the current
   *   revision fails with BadRequest.
   * - The result's `revision` is the revision read at: repeating the call with it gives the same items.
   */
  range(prefix: string, options?: RangeOptions): Promise<RangeResult>;

  /** Creates `key`; fails with AlreadyExists when present. Resolves to the write's revision. */
  create(key: string, value: BackendValue): Promise<number>;

  /**
   * Replaces `key`'s value when its current `modRevision` equals `expectedModRevision`.
   * Fails with NotFound when absent, Conflict (carrying the current mod revision, see
   * `conflictModRevision`) on a mismatch. Resolves to the write's revision.
   */
  update(key: string, value: BackendValue, expectedModRevision: number): Promise<number>;

  /**
   * Deletes `key`, when given only if its mod revision equals `expectedModRevision`.
   * Fails with NotFound when absent, Conflict on a mismatch. Resolves to the delete's revision.
   */
  delete(key: string, expectedModRevision?: number): Promise<number>;

  /**
   * Every change to keys starting with `prefix` with a revision greater than `afterRevision`, as
   * non-empty batches in revision order, each change exactly once; then live changes until
   * unsubscribed (unsubscribing cancels the watch) or the backend closes (the stream completes).
   * - `afterRevision` may be in the future: the watch waits for it.
   * - Errors with Gone when `afterRevision < compactRevision - 1` at subscription, or later if the
   *   watcher falls behind a compaction (an etcd adapter surfaces etcd's compaction error this way).
   * - The Observable is cold: each subscription is an independent watch from `afterRevision`, so
   *   resuming after an error is subscribing to `watch(prefix, lastSeenRevision)`.
   * - Events are delivered asynchronously (never inside the write call that caused them).
   * - Batches and events may be shared between watchers: treat them as read-only.
   */
  watch(prefix: string, afterRevision: number): Observable<readonly BackendEvent[]>;

  /**
   * Discards history before `revision`: afterwards a `range` at a revision `< revision` and a watch
   * needing events before `revision` fail with Gone. Compacting at or below the current compacted
   * revision does nothing; beyond the current revision fails with BadRequest.
   */
  compact(revision: number): Promise<void>;

  /** The revision of the last compaction (0 when never compacted). */
  compactedRevision(): Promise<number>;

  /** Completes all watches; every later call fails with ServiceUnavailable. Idempotent. */
  close(): Promise<void>;
}

/**
 * A value whose text is made the first time it is asked for, then kept: the object store's writes to an
 * in-memory backend, where the text is seldom read (the watch cache already holds the object) and encoding
 * every version of every object cost more than anything else on a write (JSON.stringify of each Pod status
 * update, plus the strings' memory). `maker` (or `make`) must return the same text whenever it is called —
 * the object store encodes its frozen stored object.
 */
export class DeferredText {
  private made: string | undefined;

  /** `maker` is called once, on the first read of `text`; a subclass may override `make` instead. */
  constructor(private readonly maker?: () => string) {}

  get text(): string {
    this.made ??= this.make();
    return this.made;
  }

  protected make(): string {
    if (this.maker === undefined)
      throw new TypeError('DeferredText: no maker given and make() not overridden');
    return this.maker();
  }
}

/** What `create` and `update` take: the text, or a `DeferredText`. */
export type BackendValue = string | DeferredText;

/** The text of a value (making a deferred one's). */
export const textOf = (value: BackendValue): string => (typeof value === 'string' ? value : value.text);

/** A stored key with its value and revisions, as etcd's `mvccpb.KeyValue`. */
export interface KeyValue {
  readonly key: string;
  readonly value: string;
  /**
   * The `DeferredText` the value was written as, when the backend kept it (`MemoryBackend`): it
   * identifies the write without making its text.
   */
  readonly deferred?: DeferredText;
  /** Revision of the write that created this key (since its last deletion). */
  readonly createRevision: number;
  /** Revision of the last write to this key. */
  readonly modRevision: number;
  /** Writes to this key since it was created: 1 after create. */
  readonly version: number;
}

export interface RangeOptions {
  /** Maximum items (> 0); absent means all. */
  readonly limit?: number;
  /** Return only keys strictly greater than this one. */
  readonly startAfter?: string;
  /** Read at this revision; absent means the current one. */
  readonly revision?: number;
}

export interface RangeResult {
  readonly items: readonly KeyValue[];
  /** The revision the items were read at. */
  readonly revision: number;
  /** True when `limit` cut the result short. */
  readonly more: boolean;
}

/**
 * One change, as etcd's `mvccpb.Event`. For `put`, `kv` is the new state and `prevKv` the state it
 * replaced (absent on create). For `delete`, `kv` holds the key and the delete's revision as
 * `modRevision` (value '', createRevision and version 0) and `prevKv` the deleted state.
 */
export type BackendEvent =
  | { readonly type: 'put'; readonly kv: KeyValue; readonly prevKv?: KeyValue }
  | { readonly type: 'delete'; readonly kv: KeyValue; readonly prevKv: KeyValue };

/** Identifies raw keys in backend error messages (`key "/registry/…" not found`). */
const KEY = { group: '', resource: 'key' } as const;

/** The errors a backend raises, built the same way by every adapter. */
export const backendErrors = {
  notFound: (key: string): ApiError => ApiError.notFound(KEY, key),
  alreadyExists: (key: string): ApiError => ApiError.alreadyExists(KEY, key),
  /** Conflict whose details carry the key's current mod revision (0 when absent). */
  conflict: (key: string, expected: number, current: number): ApiError =>
    new ApiError(
      'Conflict',
      `Operation cannot be fulfilled on key "${key}": expected mod revision ${expected}, current is ${current}`,
      {
        name: key,
        kind: 'key',
        causes: [{ reason: 'ModRevisionMismatch', field: 'modRevision', message: String(current) }],
      },
    ),
  /** 410 for a read or watch before the compacted revision. */
  compacted: (requested: number, compacted: number): ApiError => ApiError.gone(requested, compacted),
  /** 400 for a revision argument that is not a non-negative integer. */
  badRevision: (revision: number): ApiError =>
    ApiError.badRequest(`revision must be a non-negative integer, got ${revision}`),
  futureRevision: (requested: number, current: number): ApiError =>
    ApiError.badRequest(`required revision ${requested} is a future revision (current ${current})`),
  closed: (): ApiError => new ApiError('ServiceUnavailable', 'storage backend is closed'),
  /**
   * Reserved for adapters over a network (etcd): the request timed out and may or may not have been
   * applied. Callers must re-read before retrying a non-idempotent write. Reason Timeout, code 504.
   */
  unknownOutcome: (operation: string, key: string): ApiError =>
    new ApiError('Timeout', `${operation} of key "${key}" timed out; the outcome is unknown`, {
      name: key,
      kind: 'key',
      causes: [{ reason: 'UnknownOutcome', message: `${operation} may or may not have been applied` }],
    }),
} as const;

/**
 * Why a watch after `afterRevision` cannot start, checked the same way by every adapter: the backend is
 * closed, the revision is not a non-negative integer, or it is older than `compacted() - 1` (the oldest
 * revision a watch may start after). `undefined` when it can start.
 */
export function watchStartError(
  closed: boolean,
  afterRevision: number,
  compacted: () => number,
): ApiError | undefined {
  if (closed) return backendErrors.closed();
  if (!Number.isInteger(afterRevision) || afterRevision < 0) return backendErrors.badRevision(afterRevision);
  const oldest = compacted();
  if (afterRevision < oldest - 1) return backendErrors.compacted(afterRevision, oldest);
  return undefined;
}

/** The current mod revision carried by a backend Conflict, or `undefined` for any other error. */
export function conflictModRevision(error: unknown): number | undefined {
  if (!hasReason(error, 'Conflict')) return undefined;
  const cause = (error as ApiError).details.causes?.find((c) => c.reason === 'ModRevisionMismatch');
  return cause ? Number(cause.message) : undefined;
}

/** True for the Timeout error of a write whose outcome is unknown (see `backendErrors.unknownOutcome`). */
export function isUnknownOutcome(error: unknown): boolean {
  return (
    hasReason(error, 'Timeout') &&
    ((error as ApiError).details.causes?.some((c) => c.reason === 'UnknownOutcome') ?? false)
  );
}
