import { ApiError } from '@flotilla/api';
import { isSelectorParseError, parseSelector, type Selector } from '@flotilla/labels';
import type { ApiObject } from '../types.js';
import { type InformerCache, NAMESPACE_INDEX } from './cache.js';

export interface ListerListOptions {
  /** Only this namespace (absent or '' for all). */
  readonly namespace?: string;
  /** A selector, as text (`app=web`) or parsed; answered from the cache's inverted label index. */
  readonly labelSelector?: string | Selector;
}

/**
 * Reads an informer's cache — never the server (client-go's `Lister`).
 *
 * - Objects are the frozen objects the informer received; never modify them.
 * - What a lister returns is as fresh as the informer (eventually consistent); a controller must work
 *   from keys and re-read, and write with the resourceVersion it read (a stale one is a Conflict).
 * - `list` and `byIndex` return new arrays, in no particular order (stable for a given history).
 * - A malformed selector text is a BadRequest `ApiError`; an unknown index name throws an `Error`.
 */
export interface Lister<T extends ApiObject> {
  /** The object `namespace/name` (namespace '' for cluster-scoped kinds), or `undefined`. */
  get(namespace: string, name: string): T | undefined;
  /** The object of an `objectKey` (what a work queue carries), or `undefined`. */
  getByKey(key: string): T | undefined;
  /** Objects matching the options. */
  list(options?: ListerListOptions): T[];
  /** Objects indexed under `value` by the index `indexName` (`namespace` is built in). */
  byIndex(indexName: string, value: string): T[];
  /** Number of cached objects. */
  readonly size: number;
}

export class CacheLister<T extends ApiObject> implements Lister<T> {
  constructor(private readonly cache: InformerCache<T>) {}

  get size(): number {
    return this.cache.size;
  }

  get(namespace: string, name: string): T | undefined {
    return this.cache.get(namespace ? `${namespace}/${name}` : name);
  }

  getByKey(key: string): T | undefined {
    return this.cache.get(key);
  }

  list(options: ListerListOptions = {}): T[] {
    const namespace = options.namespace || undefined;
    const selector = toSelector(options.labelSelector);
    const out: T[] = [];
    if (selector !== undefined) {
      for (const key of this.cache.matchingKeys(selector)) {
        const obj = this.cache.get(key) as T;
        if (namespace === undefined || obj.metadata?.namespace === namespace) out.push(obj);
      }
      return out;
    }
    if (namespace !== undefined) return this.byIndex(NAMESPACE_INDEX, namespace);
    for (const obj of this.cache.values()) out.push(obj);
    return out;
  }

  byIndex(indexName: string, value: string): T[] {
    const out: T[] = [];
    for (const key of this.cache.indexKeys(indexName, value)) out.push(this.cache.get(key) as T);
    return out;
  }
}

function toSelector(selector: string | Selector | undefined): Selector | undefined {
  if (selector === undefined) return undefined;
  if (typeof selector !== 'string') return selector.isEmpty() ? undefined : selector;
  if (selector.trim() === '') return undefined;
  try {
    const parsed = parseSelector(selector);
    return parsed.isEmpty() ? undefined : parsed;
  } catch (error) {
    if (isSelectorParseError(error)) throw ApiError.badRequest(error.detail);
    throw error;
  }
}
