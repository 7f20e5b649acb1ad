import {
  ApiError,
  type Binding,
  bindPod,
  type FieldError,
  isAlreadyExists,
  isConflict,
  isNotFound,
  type Pod,
  validateBinding,
} from '@flotilla/api';
import { type Clock, createRandom, type Random, toRFC3339 } from '@flotilla/clock';
import type { FieldSelector, Selector } from '@flotilla/labels';
import { produce } from 'immer';
import { Observable } from 'rxjs';
import type { Backend, BackendValue } from './backend.js';
import { continueTooOld, decodeContinue, encodeContinue } from './continue-token.js';
import { defaultScheme } from './default-scheme.js';
import { parseFields, parseLabels } from './field-selectors.js';
import { deepEqual, deepFreeze } from './freeze.js';
import { generatedName, uidFrom } from './ids.js';
import { type CacheEvent, decodeObject, encodeObject, ResourceCache, StoredText } from './resource-cache.js';
import { lowerBound, upperBound } from './sorted-keys.js';
import { storedForm } from './stored-form.js';
import type {
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
  WatchOptions,
} from './types.js';

export interface ObjectStoreOptions {
  readonly backend: Backend;
  /** Source of creationTimestamp and deletionTimestamp. */
  readonly clock: Clock;
  /** Seed of the default uid and generateName streams (default 0): same seed, same ids. */
  readonly seed?: number;
  /** Replaces the uid generator (a host passes `crypto.randomUUID`). */
  readonly uid?: () => string;
  /** Replaces the object model (default: `@flotilla/api`'s kinds, defaults and validation). */
  readonly scheme?: Scheme;
  /** Events kept per resource for watches from a past resourceVersion (default 10,000). */
  readonly watchCacheSize?: number;
  /** Attempts of `guaranteedUpdate` before its Conflict is returned (default 100). */
  readonly maxUpdateRetries?: number;
}

interface Resolved {
  readonly info: KindDescriptor;
  readonly gr: { group: string; resource: string };
  readonly gk: { group: string; kind: string };
  readonly prefix: string;
}

interface Filter {
  readonly namespace: string | undefined;
  readonly namespacePrefix: string;
  readonly labels: Selector | undefined;
  readonly fields: FieldSelector | undefined;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Meta = NonNullable<StoreObject['metadata']>;

const DEFAULT_NAMESPACE = 'default';
const POD = { apiVersion: 'v1', kind: 'Pod' } as const;

/**
 * Typed API objects on any `Backend`, with Kubernetes' API server semantics.
 *
 * Guarantees:
 * - Keys are `/registry/<group or "core">/<plural>/<namespace>/<name>` (cluster-scoped kinds omit the
 *   namespace). Values are the object's JSON without `resourceVersion`, which is the key's mod revision.
 * - Create defaults, runs admission (mutating, then validating), stamps uid, creationTimestamp,
 *   generation 1 and the name from `generateName`, validates, and writes; update does the same with
 *   optimistic concurrency on `metadata.resourceVersion` (none given: against the current version).
 * - `generation` grows only when the object's content outside `metadata` and `status` changes. The
 *   main resource never changes `status`; the `status` subresource changes nothing else.
 * - An update that changes nothing does not write and returns the stored object.
 * - Delete honours uid/resourceVersion preconditions; an object with finalizers only gets
 *   `deletionTimestamp` and disappears when an update removes its last finalizer.
 * - Every object handed out is deeply frozen and shared; change it with immer's `produce`.
 * - Reads (get, list, watch) are served from a per-resource watch cache with a label index. They
 *   reflect every write made through this store before the read started (read-your-writes); writes
 *   by other stores on the same backend appear as soon as the watch delivers them.
 */
export class ObjectStore {
  private readonly backend: Backend;
  private readonly clock: Clock;
  private readonly scheme: Scheme;
  private readonly uid: () => string;
  private readonly random: Random;
  private readonly caches = new Map<string, ResourceCache>();
  private readonly lastWrite = new Map<string, number>();
  private readonly admission: AdmissionPlugin[] = [];
  private readonly watchCacheSize: number;
  private readonly maxUpdateRetries: number;
  private closed = false;

  constructor(options: ObjectStoreOptions) {
    this.backend = options.backend;
    this.clock = options.clock;
    this.scheme = options.scheme ?? defaultScheme;
    this.random = createRandom(options.seed ?? 0);
    this.uid = options.uid ?? uidFrom(this.random.fork());
    this.watchCacheSize = options.watchCacheSize ?? 10_000;
    this.maxUpdateRetries = options.maxUpdateRetries ?? 100;
  }

  /** Adds an admission plugin; returns a function that removes it. */
  addAdmission(plugin: AdmissionPlugin): () => void {
    this.admission.push(plugin);
    return () => {
      const i = this.admission.indexOf(plugin);
      if (i >= 0) this.admission.splice(i, 1);
    };
  }

  /** The storage key of an object (useful to hosts and tests). */
  keyOf(ref: ObjectRef): string {
    const r = this.resolve(ref);
    return this.key(r, this.namespaceOf(r, ref.namespace), ref.name);
  }

  // ---------------------------------------------------------------------------------------------
  // Create

  /**
   * Creates an object. Fails with AlreadyExists, Invalid (every field problem), or what admission
   * raises. With `generateName` and no name, a 5-character suffix is added, retried on collisions.
   */
  async create<T extends StoreObject>(obj: T): Promise<T> {
    this.checkOpen();
    const r = this.resolve(obj);
    let next = this.scheme.applyDefaults(obj) as StoreObject;
    if (this.admission.length > 0) next = await this.mutate(next, 'CREATE', undefined);
    const meta = next.metadata ?? {};
    const namespace = this.namespaceOf(r, meta.namespace);
    const generate = !meta.name && !!meta.generateName;
    for (let attempt = 0; ; attempt++) {
      const name = generate ? generatedName(meta.generateName as string, this.random) : (meta.name ?? '');
      // A shallow copy with fresh metadata: `stamped` is only encoded, never stored or frozen, so it
      // may share subtrees with the caller's object.
      const {
        resourceVersion: _rv,
        deletionTimestamp: _dt,
        deletionGracePeriodSeconds: _dg,
        selfLink: _sl,
        namespace: _ns,
        ...kept
      } = meta as Meta & { selfLink?: string };
      const stamped: StoreObject = {
        ...next,
        metadata: {
          ...kept,
          name,
          ...(r.info.namespaced ? { namespace } : {}),
          uid: this.uid(),
          creationTimestamp: toRFC3339(this.clock.now()),
          generation: 1,
        },
      };
      this.checkValid(r, name, this.scheme.validate(stamped));
      if (this.admission.length > 0) await this.admit(r, stamped, undefined, 'CREATE');
      const key = this.key(r, namespace, name);
      try {
        return (await this.write(r, key, stamped, (value) => this.backend.create(key, value))) as T;
      } catch (error) {
        if (isAlreadyExists(error)) {
          if (generate && attempt < 8) continue;
          throw ApiError.alreadyExists(r.gr, name);
        }
        throw error;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Read

  /** The object, or NotFound. Reflects every write this store made before the call. */
  async get<T extends StoreObject = StoreObject>(ref: ObjectRef): Promise<T> {
    this.checkOpen();
    const r = this.resolve(ref);
    const cache = await this.freshCache(r);
    const obj = cache.objects.get(this.key(r, this.namespaceOf(r, ref.namespace), ref.name));
    if (obj === undefined) throw ApiError.notFound(r.gr, ref.name);
    return obj as T;
  }

  /**
   * Objects of a type, filtered by namespace, label and field selectors, in key order (namespace,
   * then name), paged by `limit` and `continue`. The list's resourceVersion is the revision the items
   * are exact at; a continue token reads at its first page's revision (Gone once compacted).
   */
  async list<T extends StoreObject = StoreObject>(
    type: TypeRef,
    options: ListOptions = {},
  ): Promise<ObjectList<T>> {
    this.checkOpen();
    const r = this.resolve(type);
    const filter = this.filter(r, options);
    const limit = options.limit;
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
      if (limit !== 0)
        throw ApiError.badRequest(`limit: Invalid value: ${limit}: must be a non-negative integer`);
    }
    const max = limit === undefined || limit === 0 ? Number.POSITIVE_INFINITY : limit;
    const cache = await this.cache(r);

    let revision: number;
    let startAfter: string | undefined;
    if (options.continue) {
      const token = decodeContinue(options.continue);
      revision = token.rv;
      startAfter = token.start;
      if (cache.revision !== revision) return this.listFromBackend<T>(r, filter, revision, startAfter, max);
    } else {
      const rv = options.resourceVersion ?? '';
      if (rv === '') await cache.waitFor(this.lastWrite.get(r.prefix) ?? 0);
      else if (rv !== '0') {
        const wanted = parseResourceVersion(rv);
        if (cache.revision < wanted) {
          const current = await this.backend.currentRevision();
          if (wanted > current) throw tooLargeResourceVersion(wanted, current);
          return this.listFromBackend<T>(r, filter, current, undefined, max);
        }
      }
      revision = cache.revision;
    }
    return this.listFromCache<T>(r, cache, filter, startAfter, max);
  }

  private listFromCache<T>(
    r: Resolved,
    cache: ResourceCache,
    filter: Filter,
    startAfter: string | undefined,
    max: number,
  ): ObjectList<T> {
    const items: StoreObject[] = [];
    let last: string | undefined;
    let more = false;
    const take = (key: string, obj: StoreObject): boolean => {
      if (items.length >= max) {
        more = true;
        return false;
      }
      items.push(obj);
      last = key;
      return true;
    };
    if (filter.labels !== undefined) {
      // Label index first: only the matching keys are sorted and checked.
      const keys = [...cache.labels.query(filter.labels)].filter(
        (k) => k.startsWith(filter.namespacePrefix) && (startAfter === undefined || k > startAfter),
      );
      keys.sort();
      for (const key of keys) {
        const obj = cache.objects.get(key) as StoreObject;
        if (filter.fields !== undefined && !filter.fields.matchesObject(obj)) continue;
        if (!take(key, obj)) break;
      }
    } else {
      const keys = cache.sortedKeys.keys();
      let i =
        startAfter !== undefined && startAfter >= filter.namespacePrefix
          ? upperBound(keys, startAfter)
          : lowerBound(keys, filter.namespacePrefix);
      for (; i < keys.length; i++) {
        const key = keys[i] as string;
        if (!key.startsWith(filter.namespacePrefix)) break;
        const obj = cache.objects.get(key) as StoreObject;
        if (filter.fields !== undefined && !filter.fields.matchesObject(obj)) continue;
        if (!take(key, obj)) break;
      }
    }
    return this.listResult<T>(r, cache.revision, items, more ? last : undefined);
  }

  private async listFromBackend<T>(
    r: Resolved,
    filter: Filter,
    revision: number,
    startAfter: string | undefined,
    max: number,
  ): Promise<ObjectList<T>> {
    const items: StoreObject[] = [];
    let cursor = startAfter;
    let last: string | undefined;
    for (;;) {
      let page: Awaited<ReturnType<Backend['range']>>;
      try {
        page = await this.backend.range(filter.namespacePrefix, {
          revision,
          limit: 500,
          ...(cursor === undefined ? {} : { startAfter: cursor }),
        });
      } catch (error) {
        if ((error as ApiError).reason === 'Gone') throw continueTooOld();
        throw error;
      }
      for (const kv of page.items) {
        const obj = decodeObject(kv);
        if (!this.matches(filter, obj)) continue;
        if (items.length >= max) return this.listResult<T>(r, revision, items, last);
        items.push(obj);
        last = kv.key;
      }
      const end = page.items[page.items.length - 1];
      if (!page.more || end === undefined) return this.listResult<T>(r, revision, items, undefined);
      cursor = end.key;
    }
  }

  private listResult<T>(
    r: Resolved,
    revision: number,
    items: StoreObject[],
    continueAfter: string | undefined,
  ) {
    const metadata =
      continueAfter === undefined
        ? { resourceVersion: String(revision) }
        : {
            resourceVersion: String(revision),
            continue: encodeContinue({ rv: revision, start: continueAfter }),
          };
    return Object.freeze({
      apiVersion: r.info.group ? `${r.info.group}/${r.info.version}` : r.info.version,
      kind: r.info.listKind,
      metadata: Object.freeze(metadata),
      items: Object.freeze(items) as unknown as readonly T[],
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Watch

  /**
   * Changes to objects of a type, as Kubernetes' watch: ADDED / MODIFIED / DELETED, filtered by
   * namespace and selectors. An object that stops matching arrives as DELETED (in its new state), one
   * that starts matching as ADDED. Without a resourceVersion (or '0') the stream starts with ADDED for
   * every current match; from 'N' it replays the changes after N, failing with Gone when N is older than
   * the watch cache holds. The stream errors when the store closes or its cache restarts.
   */
  watch<T extends StoreObject = StoreObject>(
    type: TypeRef,
    options: WatchOptions = {},
  ): Observable<WatchEvent<T>> {
    return new Observable<WatchEvent<T>>((subscriber) => {
      let unsubscribe: (() => void) | undefined;
      let cancelled = false;
      (async () => {
        this.checkOpen();
        const r = this.resolve(type);
        const filter = this.filter(r, options);
        const rv = options.resourceVersion ?? '';
        const from = rv === '' || rv === '0' ? undefined : parseResourceVersion(rv);
        const cache = await this.cache(r);
        if (cancelled) return;
        const emit = (event: CacheEvent, after: number) => {
          if (event.revision <= after) return;
          const out = this.translate(filter, event);
          if (out !== undefined) subscriber.next(out as WatchEvent<T>);
        };
        // Everything from here to subscribe() is synchronous: no event can fall in between.
        let after: number;
        if (from === undefined) {
          after = cache.revision;
          const initial = this.listFromCache<StoreObject>(
            r,
            cache,
            filter,
            undefined,
            Number.POSITIVE_INFINITY,
          );
          for (const object of initial.items) subscriber.next({ type: 'ADDED', object: object as T });
        } else {
          if (from < cache.oldestWatchable) throw ApiError.gone(from, cache.oldestWatchable + 1);
          after = from;
          for (const event of cache.eventsAfter(from)) emit(event, after);
        }
        // A watch that requires one exact field value (an agent's `spec.nodeName=n1`) is routed by
        // that value: each write then reaches only the watches it can concern.
        const exact = filter.fields?.requirements.find((q) => q.operator === '=');
        unsubscribe = cache.subscribe(
          (event) => emit(event, after),
          (error) => subscriber.error(error),
          exact ? { field: exact.field, value: exact.value } : undefined,
        );
      })().catch((error: unknown) => subscriber.error(error));
      return () => {
        cancelled = true;
        unsubscribe?.();
      };
    });
  }

  private translate(filter: Filter, event: CacheEvent): WatchEvent<StoreObject> | undefined {
    const was = event.prev !== undefined && this.matches(filter, event.prev);
    if (event.type === 'delete') return was ? { type: 'DELETED', object: event.object } : undefined;
    const is = this.matches(filter, event.object);
    if (is) return { type: was ? 'MODIFIED' : 'ADDED', object: event.object };
    return was ? { type: 'DELETED', object: event.object } : undefined;
  }

  // ---------------------------------------------------------------------------------------------
  // Update

  /**
   * Replaces an object, conditioned on `metadata.resourceVersion` (Conflict when stale; absent means
   * the current version). System fields (uid, creationTimestamp, generation, deletionTimestamp) keep
   * their stored values; a uid that differs from the stored one is a Conflict. With `subresource:
   * 'status'` only `.status` is taken from `obj`; otherwise `.status` is kept as stored. Removing the
   * last finalizer of an object being deleted deletes it.
   */
  async update<T extends StoreObject>(obj: T, options: UpdateOptions = {}): Promise<T> {
    this.checkOpen();
    const r = this.resolve(obj);
    const meta = obj.metadata ?? {};
    const namespace = this.namespaceOf(r, meta.namespace);
    const name = meta.name ?? '';
    if (!name)
      throw ApiError.invalid(r.gk, '', [
        { field: 'metadata.name', type: 'Required', detail: 'name is required' },
      ]);
    const key = this.key(r, namespace, name);
    const rv = meta.resourceVersion || undefined;
    for (let attempt = 0; ; attempt++) {
      const old = await this.current(r, key, name, rv);
      if (rv !== undefined && old.metadata?.resourceVersion !== rv) throw ApiError.conflict(r.gr, name);
      try {
        return (await this.applyUpdate(r, key, old, obj, options)) as T;
      } catch (error) {
        // Without a resourceVersion the caller asked for "whatever is current": retry a lost race.
        if (rv === undefined && isConflict(error) && attempt < this.maxUpdateRetries) continue;
        throw error;
      }
    }
  }

  /** `update` of the status subresource. */
  updateStatus<T extends StoreObject>(obj: T): Promise<T> {
    return this.update(obj, { subresource: 'status' });
  }

  /**
   * Reads the object, applies `fn` (which returns the desired object, e.g. with immer's `produce`, or
   * the same object for "no change"), and writes it; on Conflict re-reads from storage and tries again.
   */
  async guaranteedUpdate<T extends StoreObject>(
    ref: ObjectRef,
    fn: (current: T) => T | Promise<T>,
    options: UpdateOptions = {},
  ): Promise<T> {
    this.checkOpen();
    const r = this.resolve(ref);
    const name = ref.name;
    const key = this.key(r, this.namespaceOf(r, ref.namespace), name);
    let fresh = false;
    for (let attempt = 0; ; attempt++) {
      const current = (fresh ? await this.current(r, key, name, undefined) : await this.get<T>(ref)) as T;
      const next = await fn(current);
      if (next === current) return current;
      try {
        return (await this.applyUpdate(r, key, current, next, options)) as T;
      } catch (error) {
        if (!isConflict(error) || attempt >= this.maxUpdateRetries) throw error;
        fresh = true;
      }
    }
  }

  /**
   * Assigns a Pod to a Node as Kubernetes' `pods/binding` does: a storage-level update of the stored
   * Pod (`bindPod` of `@flotilla/api`: `spec.nodeName`, the binding's annotations, PodScheduled=True)
   * without defaulting or Pod validation — a valid unbound Pod stays valid, which is property-tested —
   * and without a `generation` bump. Retries lost races like `guaranteedUpdate`.
   *
   * Errors: Invalid (kind Binding) for a bad binding; NotFound without the Pod; Conflict on
   * `pods/binding` when the Pod is being deleted, already assigned or gated, and when the binding's
   * `metadata.uid` / `metadata.resourceVersion` (preconditions) differ from the Pod's. Validating
   * admission hooks see the Pod update as an UPDATE; mutating ones do not run (the body is a Binding).
   * `dryRun` makes every check and returns the Pod that would be stored, writing nothing.
   */
  async bindPod(binding: Binding, options: { readonly dryRun?: boolean } = {}): Promise<Pod> {
    this.checkOpen();
    const errors = validateBinding(binding);
    if (errors.length > 0) {
      const name = (binding as { metadata?: { name?: unknown } } | undefined)?.metadata?.name;
      throw ApiError.invalid({ group: '', kind: 'Binding' }, typeof name === 'string' ? name : '', errors);
    }
    const r = this.resolve(POD);
    const { name = '', namespace, uid, resourceVersion } = binding.metadata;
    const key = this.key(r, this.namespaceOf(r, namespace), name);
    const binds = { group: '', resource: 'pods/binding' };
    // An empty uid or resourceVersion in a Binding is no precondition (Kubernetes reads "" as unset).
    const pre = { uid: uid || undefined, resourceVersion: resourceVersion || undefined };
    for (let attempt = 0; ; attempt++) {
      const old =
        attempt === 0
          ? await this.get({ ...POD, namespace, name })
          : await this.current(r, key, name, undefined);
      checkPreconditions(binds, name, pre, old.metadata ?? {});
      const outcome = bindPod(old as Pod, binding, toRFC3339(this.clock.now()));
      if ('refused' in outcome) throw ApiError.conflict(binds, name, outcome.refused);
      if (options.dryRun) return outcome.pod;
      try {
        return (await this.applyUpdate(r, key, old, outcome.pod, {}, 'binding')) as Pod;
      } catch (error) {
        if (!isConflict(error) || resourceVersion || attempt >= this.maxUpdateRetries) throw error;
      }
    }
  }

  /**
   * Writes `obj` over `old`. `main` and `status` are the resource and its status subresource as
   * `update` describes them; `binding` stores `obj` as given (see `bindPod`).
   */
  private async applyUpdate(
    r: Resolved,
    key: string,
    old: StoreObject,
    obj: StoreObject,
    options: UpdateOptions,
    mode: 'main' | 'status' | 'binding' = options.subresource === 'status' ? 'status' : 'main',
  ): Promise<StoreObject> {
    const oldMeta = old.metadata ?? {};
    const name = oldMeta.name ?? '';
    checkPreconditions(r.gr, name, { uid: obj.metadata?.uid || undefined }, oldMeta);
    let next: StoreObject;
    if (mode === 'binding') {
      // Built by `bindPod` from `old`: system fields are old's, content valid, never equal to old.
      next = obj;
      if (this.admission.length > 0) deepFreeze(next);
    } else {
      // A status write: only an admission hook can run between here and the write, which copies what
      // it stores, so the caller's status is frozen against changes during that wait only then.
      next =
        mode === 'status'
          ? withStatus(old, (obj as { status?: unknown }).status, this.admission.length > 0)
          : await this.mainResource(obj, old);
      if (deepEqual(next, old)) return old;
      const statusOnly = mode === 'status' && this.scheme.validateStatusUpdate;
      this.checkValid(
        r,
        name,
        statusOnly ? statusOnly.call(this.scheme, next, old) : this.scheme.validateUpdate(next, old),
      );
    }
    if (this.admission.length > 0) await this.admit(r, next, old, 'UPDATE');

    const modRevision = Number(oldMeta.resourceVersion);
    try {
      // Removing the last finalizer of an object being deleted deletes it. An object that never had
      // finalizers (a Pod in its grace period) stays until it is deleted again.
      if (
        next.metadata?.deletionTimestamp &&
        pendingFinalizers(r, next) === 0 &&
        pendingFinalizers(r, old) > 0
      ) {
        const revision = await this.backend.delete(key, modRevision);
        this.noteWrite(r, revision);
        return deepFreeze({ ...next, metadata: { ...next.metadata, resourceVersion: String(revision) } });
      }
      return await this.write(r, key, next, (value) => this.backend.update(key, value, modRevision), old);
    } catch (error) {
      if (isConflict(error)) throw ApiError.conflict(r.gr, name);
      if (isNotFound(error)) throw ApiError.notFound(r.gr, name);
      throw error;
    }
  }

  /** What a main-resource update stores: defaulted, mutated by admission, `old`'s system fields and status. */
  private async mainResource(obj: StoreObject, old: StoreObject): Promise<StoreObject> {
    let next = this.scheme.applyDefaults(obj);
    if (this.admission.length > 0) next = await this.mutate(next, 'UPDATE', old);
    next = withSystemFields(next, old);
    // Immutable while an admission hook may look at it (no hook: nothing runs before the write copies it).
    if (this.admission.length > 0) deepFreeze(next);
    return next;
  }

  // ---------------------------------------------------------------------------------------------
  // Delete

  /**
   * Deletes an object, checking `preconditions` (Conflict on mismatch). With finalizers (or a graceful
   * Pod deletion, see `DeleteOptions.gracePeriodSeconds`) it only sets `deletionTimestamp` and
   * returns the updated object; deleting it again is a no-op. Otherwise it removes it and returns its
   * last state with the deletion's resourceVersion.
   */
  async delete<T extends StoreObject = StoreObject>(ref: ObjectRef, options: DeleteOptions = {}): Promise<T> {
    this.checkOpen();
    const r = this.resolve(ref);
    const name = ref.name;
    const key = this.key(r, this.namespaceOf(r, ref.namespace), name);
    const pre = options.preconditions ?? {};
    const grace = options.gracePeriodSeconds;
    const policy = options.propagationPolicy;
    if (policy !== undefined && !PROPAGATION_POLICIES.includes(policy)) {
      throw ApiError.badRequest(
        `propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`,
      );
    }
    if (grace !== undefined && !(Number.isInteger(grace) && grace >= 0)) {
      throw ApiError.badRequest(
        `gracePeriodSeconds: Invalid value: ${grace}: must be a non-negative integer`,
      );
    }
    for (let attempt = 0; ; attempt++) {
      const old = await this.current(r, key, name, undefined);
      const meta = old.metadata ?? {};
      checkPreconditions(r.gr, name, pre, meta);
      if (this.admission.length > 0) await this.admit(r, old, old, 'DELETE');
      const graceful = grace !== undefined && grace > 0 && isRunningBoundPod(r, old);
      const modRevision = Number(meta.resourceVersion);
      const current = meta.finalizers ?? [];
      const finalizers = withPropagation(current, options.propagationPolicy);
      const finalizersChanged =
        finalizers.length !== current.length || finalizers.some((f, i) => f !== current[i]);
      try {
        const namespaceFinalizers = isNamespace(r) ? specFinalizers(old).length : 0;
        if (finalizers.length > 0 || namespaceFinalizers > 0 || graceful) {
          if (meta.deletionTimestamp && !finalizersChanged) {
            if (!graceful || (meta.deletionGracePeriodSeconds ?? 0) <= (grace ?? 0)) return old as T;
          }
          const seconds = graceful ? (grace as number) : 0;
          const next = produce(old, (d) => {
            const m = d.metadata as Mutable<Meta>;
            if (!meta.deletionTimestamp || graceful) {
              m.deletionTimestamp = toRFC3339(this.clock.now() + seconds * 1000);
              m.deletionGracePeriodSeconds = seconds;
            }
            if (finalizersChanged) {
              if (finalizers.length > 0) m.finalizers = [...finalizers];
              else delete m.finalizers;
            }
            // A Namespace waits in phase Terminating until its controller has emptied it and removed
            // `kubernetes` from spec.finalizers.
            if (namespaceFinalizers > 0)
              (d as { status?: { phase?: string } }).status = {
                ...(d as { status?: object }).status,
                phase: 'Terminating',
              };
          });
          return (await this.write(
            r,
            key,
            next,
            (value) => this.backend.update(key, value, modRevision),
            old,
          )) as T;
        }
        const revision = await this.backend.delete(key, modRevision);
        this.noteWrite(r, revision);
        return deepFreeze({ ...old, metadata: { ...meta, resourceVersion: String(revision) } }) as T;
      } catch (error) {
        if (isConflict(error) && attempt < this.maxUpdateRetries && pre.resourceVersion === undefined)
          continue;
        if (isConflict(error)) throw ApiError.conflict(r.gr, name);
        if (isNotFound(error)) throw ApiError.notFound(r.gr, name);
        throw error;
      }
    }
  }

  /** Stops every watch (they error with ServiceUnavailable); later calls fail. Does not close the backend. */
  close(): void {
    this.closed = true;
    for (const cache of this.caches.values()) cache.close();
    this.caches.clear();
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private checkOpen(): void {
    if (this.closed) throw new ApiError('ServiceUnavailable', 'object store is closed');
  }

  private resolve(type: TypeRef): Resolved {
    const info = this.scheme.lookupKind(type);
    if (info === undefined) {
      throw ApiError.badRequest(`no kind "${type.kind}" is registered for version "${type.apiVersion}"`);
    }
    return {
      info,
      gr: { group: info.group, resource: info.plural },
      gk: { group: info.group, kind: info.kind },
      prefix: `/registry/${info.group || 'core'}/${info.plural}/`,
    };
  }

  private namespaceOf(r: Resolved, namespace: string | undefined): string {
    if (!r.info.namespaced) return '';
    return namespace || DEFAULT_NAMESPACE;
  }

  private key(r: Resolved, namespace: string, name: string): string {
    return r.info.namespaced ? `${r.prefix}${namespace}/${name}` : `${r.prefix}${name}`;
  }

  private filter(
    r: Resolved,
    options: { namespace?: string; labelSelector?: string; fieldSelector?: string },
  ): Filter {
    const namespace = r.info.namespaced && options.namespace ? options.namespace : undefined;
    return {
      namespace,
      namespacePrefix: namespace === undefined ? r.prefix : `${r.prefix}${namespace}/`,
      labels: parseLabels(options.labelSelector),
      fields: parseFields(options.fieldSelector, r.info.group, r.info.kind),
    };
  }

  private matches(filter: Filter, obj: StoreObject): boolean {
    if (filter.namespace !== undefined && obj.metadata?.namespace !== filter.namespace) return false;
    if (filter.labels !== undefined && !filter.labels.matches(obj.metadata?.labels ?? {})) return false;
    return filter.fields === undefined || filter.fields.matchesObject(obj);
  }

  /** The resource's cache, created (and its list + watch started) on first use. */
  private cacheOf(r: Resolved): ResourceCache {
    let cache = this.caches.get(r.prefix);
    if (cache === undefined) {
      cache = new ResourceCache(this.backend, r.prefix, this.watchCacheSize);
      this.caches.set(r.prefix, cache);
      cache.ready().catch(() => undefined);
    }
    return cache;
  }

  private async cache(r: Resolved): Promise<ResourceCache> {
    const cache = this.cacheOf(r);
    await cache.ready();
    return cache;
  }

  private async freshCache(r: Resolved): Promise<ResourceCache> {
    const cache = await this.cache(r);
    await cache.waitFor(this.lastWrite.get(r.prefix) ?? 0);
    return cache;
  }

  /** The stored object: from the cache when it holds `rv` (or is fresh), else read from the backend. */
  private async current(
    r: Resolved,
    key: string,
    name: string,
    rv: string | undefined,
  ): Promise<StoreObject> {
    const cached = this.caches.get(r.prefix)?.objects.get(key);
    if (cached !== undefined && rv !== undefined && cached.metadata?.resourceVersion === rv) return cached;
    const kv = await this.backend.get(key);
    if (kv === undefined) throw ApiError.notFound(r.gr, name);
    if (cached !== undefined && cached.metadata?.resourceVersion === String(kv.modRevision)) return cached;
    return decodeObject(kv);
  }

  /**
   * Encodes `obj`, writes it with `op`, and returns the stored (frozen, stamped) object, which shares
   * the subtrees that did not change with `prev`, the version it replaces.
   */
  private async write(
    r: Resolved,
    key: string,
    obj: StoreObject,
    op: (value: BackendValue) => Promise<number>,
    prev?: StoreObject,
  ): Promise<StoreObject> {
    // The stored form is built now; its text only when someone reads it (see DeferredText).
    const form = storedForm(obj, prev);
    const value = form === undefined ? encodeObject(obj) : new StoredText(form);
    const cache = this.cacheOf(r);
    cache.expect(key, value);
    let revision: number;
    try {
      revision = await op(value);
    } catch (error) {
      cache.cancel(key, value);
      throw error;
    }
    this.noteWrite(r, revision);
    return cache.settle(key, value, revision);
  }

  private noteWrite(r: Resolved, revision: number): void {
    if (revision > (this.lastWrite.get(r.prefix) ?? 0)) this.lastWrite.set(r.prefix, revision);
  }

  // mutate and admit are only awaited when there are plugins: a write without them takes no extra turn.
  private async mutate(obj: StoreObject, op: Operation, old: StoreObject | undefined): Promise<StoreObject> {
    let current = obj;
    for (const plugin of this.admission) {
      if (!plugin.mutate) continue;
      const out = await plugin.mutate(current, op, old);
      if (out !== undefined) current = out;
    }
    return current;
  }

  private async admit(
    r: Resolved,
    obj: StoreObject,
    old: StoreObject | undefined,
    op: Operation,
  ): Promise<void> {
    const name = obj.metadata?.name ?? '';
    for (const plugin of this.admission) {
      if (!plugin.validate) continue;
      let errors: readonly FieldError[] | undefined;
      try {
        errors = await plugin.validate(obj, old, op);
      } catch (error) {
        if ((error as { name?: unknown })?.name === 'ApiError') throw error;
        const why = error instanceof Error ? error.message : String(error);
        throw ApiError.forbidden(
          r.gr,
          name,
          `admission plugin "${plugin.name ?? 'anonymous'}" denied the request: ${why}`,
        );
      }
      if (errors && errors.length > 0) throw ApiError.invalid(r.gk, name, errors);
    }
  }

  private checkValid(r: Resolved, name: string, errors: readonly FieldError[]): void {
    if (errors.length > 0) throw ApiError.invalid(r.gk, name, errors);
  }
}

/**
 * `old` with its status replaced (or removed when `undefined`): what immer's `produce` gave here —
 * `old` itself when nothing changes, else a frozen copy with `status` in its place and deeply frozen
 * — without a draft, on the path every status write takes.
 */
function withStatus(old: StoreObject, status: unknown, freeze: boolean): StoreObject {
  const current = old as StoreObject & { status?: unknown };
  if (status === current.status) return old;
  if (status === undefined) {
    const { status: _, ...rest } = current;
    return Object.freeze(rest) as StoreObject;
  }
  return Object.freeze({ ...current, status: freeze ? deepFreeze(status) : status }) as StoreObject;
}

/**
 * `next` with the fields a main-resource update cannot change taken from `old`: name, namespace,
 * uid, creationTimestamp, deletion fields, resourceVersion and status; `generation` is `old`'s, plus
 * one when the content outside metadata and status changed. A shallow copy: `next` is not modified.
 */
function withSystemFields(next: StoreObject, old: StoreObject): StoreObject {
  const oldMeta = old.metadata ?? {};
  const m: Mutable<Meta> = { ...next.metadata };
  m.name = oldMeta.name ?? '';
  if (oldMeta.namespace !== undefined) m.namespace = oldMeta.namespace;
  m.uid = oldMeta.uid;
  m.creationTimestamp = oldMeta.creationTimestamp;
  copyOptional(m, oldMeta, 'deletionTimestamp');
  copyOptional(m, oldMeta, 'deletionGracePeriodSeconds');
  m.generation = oldMeta.generation ?? 1;
  m.resourceVersion = oldMeta.resourceVersion;
  const out = { ...next, metadata: m } as Mutable<StoreObject> & { status?: unknown };
  const oldStatus = (old as { status?: unknown }).status;
  if (oldStatus === undefined) delete out.status;
  else out.status = oldStatus;
  if (!sameContent(out, old)) m.generation = (oldMeta.generation ?? 1) + 1;
  return out;
}

function copyOptional<K extends keyof Meta>(target: Mutable<Meta>, source: Meta, key: K): void {
  if (source[key] === undefined) delete target[key];
  else target[key] = source[key] as Mutable<Meta>[K];
}

/** Equal outside `metadata` and `status`: the content whose change bumps `generation`. */
function sameContent(a: StoreObject, b: StoreObject): boolean {
  const ra = a as unknown as Record<string, unknown>;
  const rb = b as unknown as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  for (const k of keys) {
    if (k === 'metadata' || k === 'status') continue;
    if (!deepEqual(ra[k], rb[k])) return false;
  }
  return true;
}

/** Kubernetes' storage preconditions: Conflict unless `meta` has the uid / resourceVersion asked for. */
function checkPreconditions(
  gr: { group: string; resource: string },
  name: string,
  pre: { readonly uid?: string | undefined; readonly resourceVersion?: string | undefined },
  meta: Meta,
): void {
  if (pre.uid !== undefined && pre.uid !== meta.uid) {
    throw ApiError.conflict(
      gr,
      name,
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${meta.uid}`,
    );
  }
  if (pre.resourceVersion !== undefined && pre.resourceVersion !== meta.resourceVersion) {
    throw ApiError.conflict(
      gr,
      name,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion}`,
    );
  }
}

function isNamespace(r: Resolved): boolean {
  return r.info.group === '' && r.info.kind === 'Namespace';
}

function specFinalizers(obj: StoreObject): readonly string[] {
  return (obj as { spec?: { finalizers?: readonly string[] } }).spec?.finalizers ?? [];
}

/** Finalizers that keep an object being deleted: metadata.finalizers, and a Namespace's spec.finalizers. */
function pendingFinalizers(r: Resolved, obj: StoreObject): number {
  return (obj.metadata?.finalizers?.length ?? 0) + (isNamespace(r) ? specFinalizers(obj).length : 0);
}

const PROPAGATION_POLICIES: readonly string[] = ['Foreground', 'Background', 'Orphan'];
const FOREGROUND = 'foregroundDeletion';
const ORPHAN = 'orphan';

/**
 * The finalizers a delete with `policy` leaves on an object, as Kubernetes' API server sets them for the
 * garbage collector: Foreground adds `foregroundDeletion`, Orphan adds `orphan` (each drops the other),
 * Background drops both, no policy keeps what is there.
 */
function withPropagation(
  finalizers: readonly string[],
  policy: DeleteOptions['propagationPolicy'],
): readonly string[] {
  if (policy === undefined) return finalizers;
  const rest = finalizers.filter((f) => f !== FOREGROUND && f !== ORPHAN);
  if (policy === 'Foreground') return [...rest, FOREGROUND];
  if (policy === 'Orphan') return [...rest, ORPHAN];
  return rest;
}

function isRunningBoundPod(r: Resolved, obj: StoreObject): boolean {
  if (r.info.group !== '' || r.info.kind !== 'Pod') return false;
  const pod = obj as { spec?: { nodeName?: string }; status?: { phase?: string } };
  const phase = pod.status?.phase;
  return !!pod.spec?.nodeName && phase !== 'Succeeded' && phase !== 'Failed';
}

function parseResourceVersion(rv: string): number {
  const n = /^[1-9][0-9]*$/.test(rv) ? Number(rv) : Number.NaN;
  if (!Number.isSafeInteger(n))
    throw ApiError.badRequest(`resourceVersion: Invalid value: "${rv}": must be an integer`);
  return n;
}

function tooLargeResourceVersion(wanted: number, current: number): ApiError {
  return new ApiError('Timeout', `Too large resource version: ${wanted}, current: ${current}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
    retryAfterSeconds: 1,
  });
}
