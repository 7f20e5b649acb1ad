import type {
  ApiObject,
  Client,
  DeleteOptions,
  ListOptions,
  MergePatch,
  ObjectList,
  PatchOptions,
  ResourceClient,
  WatchEvent,
  WatchOptions,
} from '@flotilla/client';
import { defer, type Observable, throwError } from 'rxjs';

/** The client calls a fault can intercept. */
export type ClientVerb = 'get' | 'list' | 'create' | 'update' | 'updateStatus' | 'patch' | 'delete' | 'watch';

/** Writes, the calls `conflictRate` applies to. */
export const WRITE_VERBS: ReadonlySet<ClientVerb> = new Set([
  'create',
  'update',
  'updateStatus',
  'patch',
  'delete',
]);

/** One call about to be made, as a fault sees it. */
export interface ClientCall {
  readonly verb: ClientVerb;
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string | undefined;
  /** The object's name (absent for list and watch). */
  readonly name: string | undefined;
}

/** Decides, per call, whether it fails: the error to throw, or `undefined` to let it through. */
export type FaultPolicy = (call: ClientCall) => Error | undefined;

/**
 * Wraps a `Client` so that every call first asks `policy` whether to fail. A failed call never
 * reaches the inner client (the store is unchanged), exactly like a request lost before the API
 * server or rejected by it. Watches fail at subscription.
 */
export function faultyClient(inner: Client, policy: FaultPolicy): Client {
  return {
    resource: (apiVersion, kind) => new FaultyResource(inner.resource(apiVersion, kind), policy) as never,
  };
}

class FaultyResource<T extends ApiObject> implements ResourceClient<T> {
  constructor(
    private readonly inner: ResourceClient<T>,
    private readonly policy: FaultPolicy,
  ) {}

  get apiVersion(): string {
    return this.inner.apiVersion;
  }
  get kind(): string {
    return this.inner.kind;
  }
  get namespaceName(): string | undefined {
    return this.inner.namespaceName;
  }

  private gate(verb: ClientVerb, name: string | undefined): void {
    const error = this.policy({
      verb,
      apiVersion: this.inner.apiVersion,
      kind: this.inner.kind,
      namespace: this.inner.namespaceName,
      name,
    });
    if (error !== undefined) throw error;
  }

  namespace(namespace: string): ResourceClient<T> {
    return new FaultyResource(this.inner.namespace(namespace), this.policy);
  }
  async get(name: string): Promise<T> {
    this.gate('get', name);
    return this.inner.get(name);
  }
  async list(options?: ListOptions): Promise<ObjectList<T>> {
    this.gate('list', undefined);
    return this.inner.list(options);
  }
  async create(obj: T): Promise<T> {
    this.gate('create', obj.metadata?.name);
    return this.inner.create(obj);
  }
  async update(obj: T): Promise<T> {
    this.gate('update', obj.metadata?.name);
    return this.inner.update(obj);
  }
  async updateStatus(obj: T): Promise<T> {
    this.gate('updateStatus', obj.metadata?.name);
    return this.inner.updateStatus(obj);
  }
  async patch(name: string, patch: MergePatch, options?: PatchOptions): Promise<T> {
    this.gate('patch', name);
    return this.inner.patch(name, patch, options);
  }
  async delete(name: string, options?: DeleteOptions): Promise<T> {
    this.gate('delete', name);
    return this.inner.delete(name, options);
  }
  watch(options?: WatchOptions): Observable<WatchEvent<T>> {
    return defer(() => {
      try {
        this.gate('watch', undefined);
      } catch (error) {
        return throwError(() => error);
      }
      return this.inner.watch(options);
    });
  }
}
