import type { Observable } from 'rxjs';
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

/**
 * The API as controllers, the scheduler and node agents see it — never the store itself, so the same
 * code runs in-process (`createInProcessClient`) and later against a remote API server.
 *
 * Contract of every implementation:
 * - Every failure is an `ApiError` with a Kubernetes Status reason (NotFound, AlreadyExists, Conflict,
 *   Invalid, Gone, BadRequest, …); test it with the guards of `@flotilla/api` (`isNotFound(e)`).
 * - Objects returned are frozen and may be shared: change them with immer's `produce` or a spread.
 * - Writes of existing objects are conditioned on `metadata.resourceVersion` when it is set (a stale
 *   one is a Conflict); `patch` retries internally unless the patch itself carries a resourceVersion.
 * - Nothing in this interface names the storage, so a wrapper (fault injection, metrics, a remote
 *   transport) implements it by delegating `resource()` and wrapping the methods it cares about.
 */
export interface Client {
  /** Operations on one kind, typed through `KnownKinds` (`'apps/v1', 'Deployment'` → `Deployment`). */
  resource<A extends string, K extends string>(apiVersion: A, kind: K): ResourceClient<ObjectOf<A, K>>;
}

/**
 * Operations on one kind, cluster-wide or — after `.namespace(ns)` — in one namespace.
 *
 * Edge cases:
 * - For a namespaced kind, `get`/`patch`/`delete` need a namespace: from `.namespace(ns)`, else
 *   BadRequest. `create`/`update`/`updateStatus` take it from the object when the client has none; an
 *   object whose namespace differs from the client's is a BadRequest (Kubernetes' wording).
 * - `list`/`watch` without a namespace cover all namespaces.
 * - `delete` resolves to the object's last state, or — with finalizers or a graceful Pod deletion —
 *   the object marked with `deletionTimestamp`.
 * - `watch` is cold: each subscription is its own watch; it errors (Gone when `resourceVersion` is too
 *   old, ServiceUnavailable when the server goes away) and never silently stops while the server runs.
 * - `resource('v1', 'Binding').namespace(ns).create(binding)` assigns the Pod `binding.metadata.name`
 *   to the Node `binding.target.name`, as Kubernetes' `pods/<name>/binding`: no defaulting or Pod
 *   validation, Conflict when the Pod is being deleted or already assigned, `metadata.uid` /
 *   `resourceVersion` as preconditions. It resolves to the binding sent; Binding has no other verb.
 */
export interface ResourceClient<T extends ApiObject> {
  readonly apiVersion: string;
  readonly kind: string;
  /** The namespace this client is scoped to; `undefined` for all namespaces (or a cluster-scoped kind). */
  readonly namespaceName: string | undefined;
  /** The same kind scoped to `namespace`. */
  namespace(namespace: string): ResourceClient<T>;
  /** The object, or NotFound. */
  get(name: string): Promise<T>;
  /** Objects matching the options, in namespace/name order, paged by `limit` + `continue`. */
  list(options?: ListOptions): Promise<ObjectList<T>>;
  /** Creates the object (AlreadyExists, Invalid, …); `generateName` gets a random suffix. */
  create(obj: T): Promise<T>;
  /** Replaces the object's spec and metadata (never `.status`). */
  update(obj: T): Promise<T>;
  /** Replaces only `.status` (the status subresource). */
  updateStatus(obj: T): Promise<T>;
  /** Applies a JSON merge patch (RFC 7386) to the current object, retrying lost races. */
  patch(name: string, patch: MergePatch, options?: PatchOptions): Promise<T>;
  /** Deletes the object, honouring preconditions and grace periods. */
  delete(name: string, options?: DeleteOptions): Promise<T>;
  /** Changes to the matching objects (see the edge cases above). */
  watch(options?: WatchOptions): Observable<WatchEvent<T>>;
}
