import type { FieldError, ObjectMeta } from '@flotilla/api';

/** Any API object the store can hold: `apiVersion`, `kind` and `metadata` (everything else is opaque). */
export interface StoreObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: ObjectMeta;
}

/** Names an object type: `{ apiVersion: 'v1', kind: 'Pod' }`. */
export interface TypeRef {
  readonly apiVersion: string;
  readonly kind: string;
}

/** Names one object: its type, namespace (omit for cluster-scoped kinds) and name. */
export interface ObjectRef extends TypeRef {
  readonly namespace?: string;
  readonly name: string;
}

export interface ListOptions {
  /** Only objects in this namespace (omit or '' for all namespaces). */
  readonly namespace?: string;
  /** Label selector text (`app=web,tier in (fe,be)`). */
  readonly labelSelector?: string;
  /** Field selector text (`metadata.name=x,status.phase!=Running`); supported fields depend on the kind. */
  readonly fieldSelector?: string;
  /** Page size (> 0); the list carries `metadata.continue` when more matched. */
  readonly limit?: number;
  /** Token from a previous page; the page is read at that page's revision. */
  readonly continue?: string;
  /**
   * As Kubernetes: absent or '' = most recent (read-your-writes through this store), '0' = any (the cache
   * as it is), 'N' = not older than N.
   */
  readonly resourceVersion?: string;
}

export interface ObjectList<T> {
  readonly apiVersion: string;
  /** `PodList`, … */
  readonly kind: string;
  readonly metadata: { readonly resourceVersion: string; readonly continue?: string };
  readonly items: readonly T[];
}

export interface WatchOptions {
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Absent or '0': start with ADDED for every current object, then changes. 'N': changes after N. */
  readonly resourceVersion?: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent<T> {
  readonly type: WatchEventType;
  /** The object after the change; for DELETED, its last state with the resourceVersion of the deletion. */
  readonly object: T;
}

export interface DeleteOptions {
  /** Fail with Conflict unless the object still has this uid / resourceVersion. */
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
  /**
   * For a Pod bound to a node and not finished, a value > 0 marks it terminating (deletionTimestamp =
   * now + grace, deletionGracePeriodSeconds) instead of removing it; its node agent deletes it with 0.
   * Every other object is removed at once (or marked, when it has finalizers).
   */
  readonly gracePeriodSeconds?: number;
  /**
   * What happens to dependents (objects whose ownerReferences name this one), as Kubernetes: the
   * garbage collector deletes them after the owner is gone (`Background`), before it goes
   * (`Foreground`: the owner waits with finalizer `foregroundDeletion`), or not at all (`Orphan`:
   * finalizer `orphan` until their references are removed). Absent keeps the object's finalizers as they are.
   */
  readonly propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
}

export interface UpdateOptions {
  /** 'status' writes only `.status`; the default (main resource) never changes `.status`. */
  readonly subresource?: 'status';
}

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE';

/**
 * A host-supplied admission step, as Kubernetes' admission plugins. All `mutate`s run first (in the
 * order added), then validation, then all `validate`s.
 * - `mutate` returns a replacement object (build it with immer's `produce`) or `undefined` to keep it.
 * - `validate` throws to deny (an ApiError keeps its reason; anything else becomes Forbidden) or
 *   returns field errors (Invalid).
 */
export interface AdmissionPlugin {
  readonly name?: string;
  mutate?(
    obj: StoreObject,
    operation: Operation,
    oldObj: StoreObject | undefined,
  ): StoreObject | undefined | Promise<StoreObject | undefined>;
  validate?(
    obj: StoreObject,
    oldObj: StoreObject | undefined,
    operation: Operation,
  ): readonly FieldError[] | undefined | Promise<readonly FieldError[] | undefined>;
}

/** What the store needs to know about a kind (a subset of `@flotilla/api`'s `KindInfo`). */
export interface KindDescriptor {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly listKind: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

/**
 * The object model the store validates against. The default is `@flotilla/api`'s; a host may wrap it
 * (custom kinds, extra defaults).
 */
export interface Scheme {
  lookupKind(type: { readonly apiVersion?: unknown; readonly kind?: unknown }): KindDescriptor | undefined;
  applyDefaults<T>(obj: T): T;
  validate(obj: unknown): readonly FieldError[];
  validateUpdate(next: unknown, prev: unknown): readonly FieldError[];
  /**
   * Validates a write of the status subresource (`next` keeps `prev`'s spec); without it the store
   * uses `validateUpdate`. The default skips re-validating the unchanged spec, as Kubernetes does.
   */
  validateStatusUpdate?(next: unknown, prev: unknown): readonly FieldError[];
}
