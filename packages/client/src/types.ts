import type { Binding, KubeObject, ObjectMeta } from '@flotilla/api';

/**
 * The least every API object has: `apiVersion`, `kind` and `metadata`. Everything a `Client` reads or
 * writes satisfies it (the store's `StoreObject` has the same shape).
 */
export interface ApiObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: ObjectMeta;
}

/** An object of a kind the type map does not know (client-go's `Unstructured`): the rest is opaque JSON. */
export interface UnstructuredObject extends ApiObject {
  readonly [field: string]: unknown;
}

/** `'v1/Pod' → Pod`, `'apps/v1/Deployment' → Deployment`, … for every kind `@flotilla/api` knows. */
export type BuiltInKinds = { [O in KubeObject as `${O['apiVersion']}/${O['kind']}`]: O };

/**
 * The kinds `Client.resource` types precisely. Add your own kinds by declaration merging:
 *
 * ```ts
 * declare module '@flotilla/client' {
 *   interface KnownKinds { 'example.com/v1/Widget': Widget }
 * }
 * ```
 */
export interface KnownKinds extends BuiltInKinds {
  /** Not stored: creating one binds a Pod to a Node (see `Client`). */
  'v1/Binding': Binding;
}

/** The object type of `apiVersion` + `kind`: the known kind's type, else `UnstructuredObject`. */
export type ObjectOf<A extends string, K extends string> = `${A}/${K}` extends keyof KnownKinds
  ? KnownKinds[`${A}/${K}`]
  : UnstructuredObject;

/** Names a type of object: `{ apiVersion: 'apps/v1', kind: 'Deployment' }`. */
export interface TypeRef {
  readonly apiVersion: string;
  readonly kind: string;
}

export interface ListOptions {
  /** Label selector text (`app=web,tier in (fe,be)`). */
  readonly labelSelector?: string;
  /** Field selector text (`spec.nodeName=n1`); the fields supported depend on the kind. */
  readonly fieldSelector?: string;
  /** Page size (> 0); the list carries `metadata.continue` when more matched. */
  readonly limit?: number;
  /** The `metadata.continue` of the previous page. A compacted token fails with Gone. */
  readonly continue?: string;
  /** As Kubernetes: absent = most recent, '0' = any cached state, 'N' = not older than N. */
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
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /**
   * Absent or '0': ADDED for every current object first, then changes. 'N': the changes after N
   * (the stream errors with Gone when N is older than the server keeps).
   */
  readonly resourceVersion?: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent<T> {
  readonly type: WatchEventType;
  /** The object after the change; for DELETED its last state (resourceVersion of the deletion). */
  readonly object: T;
}

export interface DeleteOptions {
  /** Conflict unless the object still has this uid / resourceVersion. */
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
  /** Graceful deletion of a bound, running Pod (it is marked terminating; its node agent removes it). */
  readonly gracePeriodSeconds?: number;
  /** Dependents: deleted after (`Background`), before (`Foreground`) or kept (`Orphan`); see the garbage collector. */
  readonly propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
}

export interface PatchOptions {
  /** `'status'` patches the status subresource (only `.status` changes). */
  readonly subresource?: 'status';
}

/** A JSON merge patch (RFC 7386): objects merge recursively, `null` removes, anything else replaces. */
export type MergePatch = { readonly [field: string]: unknown };
