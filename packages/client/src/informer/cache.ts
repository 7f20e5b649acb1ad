import { LabelIndex, type Selector } from '@flotilla/labels';
import type { ApiObject } from '../types.js';

/**
 * The cache key of an object, as client-go's `MetaNamespaceKeyFunc`: `namespace/name`, or `name` for a
 * cluster-scoped object. Work queues carry these keys.
 */
export function objectKey(obj: ApiObject): string {
  const meta = obj.metadata;
  const name = meta?.name ?? '';
  return meta?.namespace ? `${meta.namespace}/${name}` : name;
}

/** Splits a key of `objectKey` into namespace ('' for cluster-scoped) and name. */
export function splitObjectKey(key: string): { readonly namespace: string; readonly name: string } {
  const slash = key.indexOf('/');
  return slash < 0
    ? { namespace: '', name: key }
    : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/**
 * An index function: the values under which an object is found in the index (client-go's `IndexFunc`).
 * It must be pure — the same object always gives the same values — because an object's old values are
 * recomputed to remove it from the index.
 */
export type IndexFunc<T> = (obj: T) => readonly string[];

/** The built-in index of every informer cache: the object's namespace ('' for cluster-scoped objects). */
export const NAMESPACE_INDEX = 'namespace';

/** One frozen `[namespace]` per namespace (bounded): indexing a write allocates nothing. */
const namespaceValues = new Map<string, readonly string[]>();
const namespaceOf: IndexFunc<ApiObject> = (obj) => {
  const namespace = obj.metadata?.namespace ?? '';
  let values = namespaceValues.get(namespace);
  if (values === undefined) {
    values = Object.freeze([namespace]);
    if (namespaceValues.size < 4096) namespaceValues.set(namespace, values);
  }
  return values;
};

/**
 * The objects of one informer, by key, with indexes (client-go's `Indexer` over a thread-safe store).
 *
 * Three kinds of string, kept apart as in client-go: the storage key (`objectKey`), the index name
 * (`namespace`, `byNode`) and the indexed value (`n1`).
 *
 * Invariants:
 * - `byIndex(name, v)` holds exactly the objects `o` with `v ∈ indexers[name](o)`, after any sequence
 *   of `set`/`delete`/`addIndexer`.
 * - Once built (on the first label query), the label index holds exactly the current objects' labels.
 */
export class InformerCache<T extends ApiObject> {
  private readonly items = new Map<string, T>();
  /** Built on the first label query, then kept current: informers nobody selects by label pay nothing. */
  private labels: LabelIndex | undefined;
  private readonly indexers = new Map<string, IndexFunc<T>>();
  /** index name → indexed value → keys */
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor() {
    this.addIndexer(NAMESPACE_INDEX, namespaceOf);
  }

  get size(): number {
    return this.items.size;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  keys(): IterableIterator<string> {
    return this.items.keys();
  }

  values(): IterableIterator<T> {
    return this.items.values();
  }

  /** Stores `obj` under `key`; returns the object it replaced. */
  set(key: string, obj: T): T | undefined {
    const old = this.items.get(key);
    this.replace(key, obj, old);
    return old;
  }

  /** `set` for a caller that just read `old`, the object now under `key` (undefined: none). */
  replace(key: string, obj: T, old: T | undefined): void {
    this.items.set(key, obj);
    if (this.labels !== undefined && (old === undefined || old.metadata?.labels !== obj.metadata?.labels)) {
      this.labels.set(key, obj.metadata?.labels ?? {});
    }
    for (const [name, fn] of this.indexers) this.reindex(name, fn, key, old, obj);
  }

  /** Removes `key`; returns the object removed. */
  delete(key: string): T | undefined {
    const old = this.items.get(key);
    if (old === undefined) return undefined;
    this.items.delete(key);
    this.labels?.delete(key);
    for (const [name, fn] of this.indexers) this.reindex(name, fn, key, old, undefined);
    return old;
  }

  /**
   * Adds an index; the objects already cached are indexed at once. Adding the same function again under
   * the same name does nothing; another function under a taken name throws.
   */
  addIndexer(name: string, fn: IndexFunc<T>): void {
    const existing = this.indexers.get(name);
    if (existing === fn) return;
    if (existing !== undefined) throw new Error(`informer cache: index "${name}" already exists`);
    this.indexers.set(name, fn);
    this.indices.set(name, new Map());
    for (const [key, obj] of this.items) this.reindex(name, fn, key, undefined, obj);
  }

  hasIndex(name: string): boolean {
    return this.indexers.has(name);
  }

  /** Keys of the objects indexed under `value`; throws for an unknown index name. */
  indexKeys(name: string, value: string): ReadonlySet<string> {
    const index = this.indices.get(name);
    if (index === undefined) throw new Error(`informer cache: no index named "${name}"`);
    return index.get(value) ?? EMPTY;
  }

  /** The values present in an index (e.g. every namespace that has objects). */
  indexValues(name: string): string[] {
    const index = this.indices.get(name);
    if (index === undefined) throw new Error(`informer cache: no index named "${name}"`);
    return [...index.keys()];
  }

  /** Keys whose labels match `selector` (from the inverted label index). */
  matchingKeys(selector: Selector): Set<string> {
    if (this.labels === undefined) {
      this.labels = new LabelIndex();
      for (const [key, obj] of this.items) this.labels.set(key, obj.metadata?.labels ?? {});
    }
    return this.labels.query(selector);
  }

  private reindex(name: string, fn: IndexFunc<T>, key: string, old: T | undefined, obj: T | undefined): void {
    const index = this.indices.get(name) as Map<string, Set<string>>;
    const before = old === undefined ? NONE : fn(old);
    const after = obj === undefined ? NONE : fn(obj);
    if (before.length === 1 && after.length === 1 && before[0] === after[0]) return;
    for (const value of before) {
      if (after.includes(value)) continue;
      const keys = index.get(value);
      if (keys === undefined) continue;
      keys.delete(key);
      if (keys.size === 0) index.delete(value);
    }
    for (const value of after) {
      let keys = index.get(value);
      if (keys === undefined) {
        keys = new Set();
        index.set(value, keys);
      }
      keys.add(key);
    }
  }
}

const NONE: readonly string[] = [];
const EMPTY: ReadonlySet<string> = new Set();
