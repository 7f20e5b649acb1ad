import { ApiError, type Binding, isApiError, lookupKind } from '@flotilla/api';
import { Observable } from 'rxjs';
import { boundPod, isBinding } from './binding.js';
import type { Client, ResourceClient } from './client.js';
import { frozenCopy } from './freeze.js';
import { applyMergePatch } from './merge-patch.js';
import { inClientScope } from './scope.js';
import type {
  ApiObject,
  DeleteOptions,
  ListOptions,
  MergePatch,
  ObjectList,
  ObjectOf,
  PatchOptions,
  TypeRef,
  WatchEvent,
  WatchOptions,
} from './types.js';

interface StoreRef extends TypeRef {
  readonly namespace?: string;
  readonly name: string;
}

type StoreListOptions = ListOptions & { readonly namespace?: string };
type StoreWatchOptions = WatchOptions & { readonly namespace?: string };

/**
 * What the in-process client needs of `@flotilla/store`'s `ObjectStore` (which satisfies it as is).
 * Stated structurally so that nothing of the store leaks into `Client` and a test may hand in a wrapper.
 */
export interface InProcessStore {
  create<T extends ApiObject>(obj: T): Promise<T>;
  get<T extends ApiObject>(ref: StoreRef): Promise<T>;
  list<T extends ApiObject>(type: TypeRef, options?: StoreListOptions): Promise<ObjectList<T>>;
  update<T extends ApiObject>(obj: T, options?: { readonly subresource?: 'status' }): Promise<T>;
  guaranteedUpdate<T extends ApiObject>(
    ref: StoreRef,
    fn: (current: T) => T | Promise<T>,
    options?: { readonly subresource?: 'status' },
  ): Promise<T>;
  delete<T extends ApiObject>(ref: StoreRef, options?: DeleteOptions): Promise<T>;
  /** Applies a `v1/Binding` (what creating one through the client does). */
  bindPod(binding: Binding): Promise<unknown>;
  watch<T extends ApiObject>(type: TypeRef, options?: StoreWatchOptions): Observable<WatchEvent<T>>;
}

/**
 * A `Client` that calls an `ObjectStore` in the same process: no serialisation, objects shared and
 * frozen as the store hands them out. Any non-`ApiError` failure is reported as InternalError.
 */
export function createInProcessClient(store: InProcessStore): Client {
  return {
    resource<A extends string, K extends string>(apiVersion: A, kind: K): ResourceClient<ObjectOf<A, K>> {
      return new InProcessResourceClient<ObjectOf<A, K>>(store, apiVersion, kind, undefined);
    },
  };
}

class InProcessResourceClient<T extends ApiObject> implements ResourceClient<T> {
  private readonly type: TypeRef;
  /** `undefined` when the kind is not in `@flotilla/api`'s registry (a custom scheme): the store decides. */
  private readonly namespaced: boolean | undefined;
  private readonly resourceName: { readonly group: string; readonly resource: string };

  constructor(
    private readonly store: InProcessStore,
    readonly apiVersion: string,
    readonly kind: string,
    readonly namespaceName: string | undefined,
  ) {
    this.type = { apiVersion, kind };
    const info = lookupKind(this.type);
    this.namespaced = isBinding(apiVersion, kind) ? true : info?.namespaced;
    this.resourceName = { group: groupOf(apiVersion), resource: info?.plural ?? `${kind.toLowerCase()}s` };
  }

  namespace(namespace: string): ResourceClient<T> {
    return new InProcessResourceClient<T>(this.store, this.apiVersion, this.kind, namespace || undefined);
  }

  get(name: string): Promise<T> {
    return guard(() => this.store.get<T>(this.ref(name)));
  }

  list(options: ListOptions = {}): Promise<ObjectList<T>> {
    return guard(() => this.store.list<T>(this.type, this.scoped(options)));
  }

  create(obj: T): Promise<T> {
    if (isBinding(this.apiVersion, this.kind)) {
      return guard(async () => {
        const binding = this.checked(obj);
        boundPod(binding);
        await this.store.bindPod(binding as unknown as Binding);
        return frozenCopy(binding);
      });
    }
    return guard(() => this.store.create(this.checked(obj)));
  }

  update(obj: T): Promise<T> {
    return guard(() => this.store.update(this.checked(obj)));
  }

  updateStatus(obj: T): Promise<T> {
    return guard(() => this.store.update(this.checked(obj), { subresource: 'status' }));
  }

  patch(name: string, patch: MergePatch, options: PatchOptions = {}): Promise<T> {
    return guard(() => {
      const ref = this.ref(name);
      const wanted = (patch.metadata as { resourceVersion?: unknown } | null | undefined)?.resourceVersion;
      return this.store.guaranteedUpdate<T>(
        ref,
        (current) => {
          if (typeof wanted === 'string' && wanted !== current.metadata?.resourceVersion) {
            throw ApiError.conflict(this.resourceName, name);
          }
          const next = applyMergePatch(current, patch) as T;
          if (next.apiVersion !== current.apiVersion || next.kind !== current.kind) {
            throw ApiError.badRequest('a patch may not change apiVersion or kind');
          }
          return next;
        },
        options.subresource === 'status' ? { subresource: 'status' } : {},
      );
    });
  }

  delete(name: string, options: DeleteOptions = {}): Promise<T> {
    return guard(() => this.store.delete<T>(this.ref(name), options));
  }

  watch(options: WatchOptions = {}): Observable<WatchEvent<T>> {
    return new Observable<WatchEvent<T>>((subscriber) => {
      let source: Observable<WatchEvent<T>>;
      try {
        source = this.store.watch<T>(this.type, this.scoped(options));
      } catch (error) {
        subscriber.error(toApiError(error));
        return undefined;
      }
      const subscription = source.subscribe({
        next: (event) => subscriber.next(event),
        error: (error: unknown) => subscriber.error(toApiError(error)),
        complete: () => subscriber.complete(),
      });
      return () => subscription.unsubscribe();
    });
  }

  private scoped<O extends object>(options: O): O & { readonly namespace?: string } {
    return this.namespaceName === undefined ? options : { ...options, namespace: this.namespaceName };
  }

  private ref(name: string): StoreRef {
    if (this.namespaced === true && this.namespaceName === undefined) {
      throw ApiError.badRequest(`a namespace is required for ${this.kind} "${name}": use .namespace(ns)`);
    }
    return this.namespaceName === undefined
      ? { ...this.type, name }
      : { ...this.type, namespace: this.namespaceName, name };
  }

  /** The object with the client's namespace, or BadRequest when the object names another one. */
  private checked(obj: T): T {
    const { apiVersion, kind, namespaceName, namespaced } = this;
    return inClientScope({ apiVersion, kind, namespaceName, namespaced }, obj);
  }
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

async function guard<R>(fn: () => Promise<R>): Promise<R> {
  try {
    return await fn();
  } catch (error) {
    throw toApiError(error);
  }
}

/** An `ApiError` as is; anything else (a bug, a broken backend) as InternalError keeping the message. */
export function toApiError(error: unknown): ApiError {
  if (isApiError(error)) return error;
  return ApiError.internal(error instanceof Error ? error.message : String(error));
}
