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
import { defer, from, type Observable, switchMap, throwError } from 'rxjs';

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

/** A resource client wrapping `inner`: its identity, and the call a verb on it makes. */
abstract class WrappedResource<T extends ApiObject> {
  constructor(protected readonly inner: ResourceClient<T>) {}

  get apiVersion(): string {
    return this.inner.apiVersion;
  }
  get kind(): string {
    return this.inner.kind;
  }
  get namespaceName(): string | undefined {
    return this.inner.namespaceName;
  }

  protected call(verb: ClientVerb, name: string | undefined): ClientCall {
    return {
      verb,
      apiVersion: this.inner.apiVersion,
      kind: this.inner.kind,
      namespace: this.inner.namespaceName,
      name,
    };
  }
}

class FaultyResource<T extends ApiObject> extends WrappedResource<T> implements ResourceClient<T> {
  constructor(
    inner: ResourceClient<T>,
    private readonly policy: FaultPolicy,
  ) {
    super(inner);
  }

  private gate(verb: ClientVerb, name: string | undefined): void {
    const error = this.policy(this.call(verb, name));
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

/**
 * Wraps a `Client` so that every call first waits for `before(call)` when it returns a promise, and
 * otherwise is the inner call itself (the same promise: no extra microtask, so races run as without it):
 * the simulation's test client uses it to finish pending catch-ups and fault effects first.
 */
export function gatedClient(inner: Client, before: (call: ClientCall) => Promise<void> | undefined): Client {
  return {
    resource: (apiVersion, kind) => new GatedResource(inner.resource(apiVersion, kind), before) as never,
  };
}

class GatedResource<T extends ApiObject> extends WrappedResource<T> implements ResourceClient<T> {
  constructor(
    inner: ResourceClient<T>,
    private readonly before: (call: ClientCall) => Promise<void> | undefined,
  ) {
    super(inner);
  }

  /** A promise to wait for, or `undefined` (then the call goes through in the same tick). */
  private gate(verb: ClientVerb, name: string | undefined): Promise<void> | undefined {
    return this.before(this.call(verb, name));
  }

  namespace(namespace: string): ResourceClient<T> {
    return new GatedResource(this.inner.namespace(namespace), this.before);
  }
  get(name: string): Promise<T> {
    const wait = this.gate('get', name);
    return wait ? wait.then(() => this.inner.get(name)) : this.inner.get(name);
  }
  list(options?: ListOptions): Promise<ObjectList<T>> {
    const wait = this.gate('list', undefined);
    return wait ? wait.then(() => this.inner.list(options)) : this.inner.list(options);
  }
  create(obj: T): Promise<T> {
    const wait = this.gate('create', obj.metadata?.name);
    return wait ? wait.then(() => this.inner.create(obj)) : this.inner.create(obj);
  }
  update(obj: T): Promise<T> {
    const wait = this.gate('update', obj.metadata?.name);
    return wait ? wait.then(() => this.inner.update(obj)) : this.inner.update(obj);
  }
  updateStatus(obj: T): Promise<T> {
    const wait = this.gate('updateStatus', obj.metadata?.name);
    return wait ? wait.then(() => this.inner.updateStatus(obj)) : this.inner.updateStatus(obj);
  }
  patch(name: string, patch: MergePatch, options?: PatchOptions): Promise<T> {
    const wait = this.gate('patch', name);
    return wait
      ? wait.then(() => this.inner.patch(name, patch, options))
      : this.inner.patch(name, patch, options);
  }
  delete(name: string, options?: DeleteOptions): Promise<T> {
    const wait = this.gate('delete', name);
    return wait ? wait.then(() => this.inner.delete(name, options)) : this.inner.delete(name, options);
  }
  watch(options?: WatchOptions): Observable<WatchEvent<T>> {
    return defer(() => {
      const wait = this.gate('watch', undefined);
      return wait ? from(wait).pipe(switchMap(() => this.inner.watch(options))) : this.inner.watch(options);
    });
  }
}
