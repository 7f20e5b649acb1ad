/**
 * @flotilla/client — how controllers, the scheduler and node agents reach the API: a transport-neutral
 * `Client`, informers (list + watch into an indexed cache, with change notifications) and a work queue,
 * the same separation as client-go.
 *
 * - `Client` / `ResourceClient`: get, list, create, update, updateStatus, patch, delete, watch; every
 *   failure an `ApiError`. `createInProcessClient(store)` serves it from an `ObjectStore`;
 *   `createHttpClient({ transport })` from a Kubernetes-compatible API server.
 * - `SharedInformerFactory` → `Informer`: one watch and one cache per kind and scope, shared; re-lists
 *   after any watch failure and emits exactly the differences; `Lister` reads the cache by key, label
 *   selector or user-defined index.
 * - `WorkQueue`: fair, stingy, one-at-a-time keys with delays and per-key exponential back-off.
 */
export type { Client, ResourceClient } from './client.js';
export { EventRecorder, type InvolvedObject } from './events.js';
export {
  createHttpClient,
  DEFAULT_HTTP_MAX_RETRIES,
  type HttpClientOptions,
  type HttpRequestInit,
  type HttpResponse,
  type HttpStreamResponse,
  type HttpTransport,
} from './http-client.js';
export { createInProcessClient, type InProcessStore, toApiError } from './in-process-client.js';
export {
  type IndexFunc,
  InformerCache,
  NAMESPACE_INDEX,
  objectKey,
  splitObjectKey,
} from './informer/cache.js';
export {
  type InformerScope,
  SharedInformerFactory,
  type SharedInformerFactoryOptions,
} from './informer/factory.js';
export { CacheLister, type Lister, type ListerListOptions } from './informer/lister.js';
export {
  DEFAULT_WATCH_BACKOFF,
  type ListWatch,
  Reflector,
  type ReflectorOptions,
  type ReflectorSink,
} from './informer/reflector.js';
export {
  type Informer,
  type InformerEvent,
  SharedInformer,
  type SharedInformerOptions,
} from './informer/shared-informer.js';
export { applyMergePatch } from './merge-patch.js';
export { ensureNamespaces } from './namespaces.js';
export type {
  ApiObject,
  BuiltInKinds,
  DeleteOptions,
  KnownKinds,
  ListOptions,
  MergePatch,
  ObjectList,
  ObjectOf,
  PatchOptions,
  TypeRef,
  UnstructuredObject,
  WatchEvent,
  WatchEventType,
  WatchOptions,
} from './types.js';
export { DEFAULT_ITEM_BACKOFF, WorkQueue, type WorkQueueOptions } from './work-queue.js';
