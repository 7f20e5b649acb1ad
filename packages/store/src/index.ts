/**
 * @flotilla/store — the cluster's single source of truth, in two layers.
 *
 * - `Backend` is a revisioned key-value store with etcd v3's semantics (global revision, conditional
 *   writes, watch from any revision, compaction with Gone). `MemoryBackend` implements it; adapters
 *   (SQLite, etcd) pass `describeBackendConformance` from `@flotilla/store/testing`.
 * - `ObjectStore` puts Kubernetes' API semantics on any backend: validation and defaulting, admission,
 *   optimistic concurrency, generation, status subresource, finalizers, selectors, paging, and
 *   ADDED/MODIFIED/DELETED watches served from a per-resource watch cache with label indexes.
 * - Objects handed out are deeply frozen and shared; change them with immer's `produce`.
 */
export {
  type Backend,
  type BackendEvent,
  type BackendValue,
  backendErrors,
  conflictModRevision,
  DeferredText,
  isUnknownOutcome,
  type KeyValue,
  type RangeOptions,
  type RangeResult,
  textOf,
  watchStartError,
} from './backend.js';
export { defaultScheme } from './default-scheme.js';
export { deepEqual, deepFreeze } from './freeze.js';
export { MemoryBackend, type MemoryBackendOptions } from './memory-backend.js';
export { ObjectStore, type ObjectStoreOptions } from './object-store.js';
export type {
  AdmissionPlugin,
  DeleteOptions,
  KindDescriptor,
  ListOptions,
  ObjectList,
  ObjectRef,
  Operation,
  Scheme,
  StoreObject,
  TypeRef,
  UpdateOptions,
  WatchEvent,
  WatchEventType,
  WatchOptions,
} from './types.js';
