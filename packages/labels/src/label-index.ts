import { type Labels, parseInt64, type Requirement } from './requirement.js';
import type { Selector } from './selector.js';

/** Object key → its stored labels: a posting list that also hands the labels to the final check. */
type Posting = Map<string, Labels>;

const EMPTY: ReadonlyMap<string, Labels> = new Map();

/** A frozen copy of the own string-valued labels (`__proto__` stays an ordinary key). */
function snapshot(labels: Labels): Labels {
  const copy: Record<string, string> = {};
  for (const k of Object.keys(labels)) {
    const v = labels[k];
    if (typeof v !== 'string') continue;
    if (k === '__proto__') Object.defineProperty(copy, k, { value: v, enumerable: true, writable: true });
    else copy[k] = v;
  }
  return Object.freeze(copy);
}

/** True when `labels` has exactly the string labels of `copy` (a `snapshot`). */
function sameLabels(copy: Labels, labels: Labels): boolean {
  let count = 0;
  for (const k of Object.keys(labels)) {
    const v = labels[k];
    if (typeof v !== 'string') continue;
    if (!Object.hasOwn(copy, k) || copy[k] !== v) return false;
    count++;
  }
  return count === Object.keys(copy).length;
}

/**
 * An inverted index from labels to object keys, answering selectors without scanning every object.
 *
 * Guarantees:
 * - `query(s)` returns exactly the keys whose stored labels `s.matches` (a full scan's answer), as a
 *   new `Set` the caller owns.
 * - `=`, `==`, `in` and `exists` are answered from the index: the smallest candidate set among them
 *   drives the query, and only its members are checked against the other requirements. `gt`/`lt`
 *   scan the distinct values of their key (not the objects). A selector with no such requirement
 *   (only `!=`, `notin`, `!`) is answered as all keys minus the index sets it excludes.
 * - `set` stores a frozen copy of the labels and updates the index by difference, in
 *   O(labels changed); `delete` in O(labels of the object).
 */
export class LabelIndex {
  readonly #objects = new Map<string, Labels>();
  /** label key → label value → objects with that label value */
  readonly #byValue = new Map<string, Map<string, Posting>>();
  /** label key → objects that have the label */
  readonly #byKey = new Map<string, Posting>();

  /** Number of objects. */
  get size(): number {
    return this.#objects.size;
  }

  /** The labels stored for `key` (a frozen copy), or `undefined`. */
  get(key: string): Labels | undefined {
    return this.#objects.get(key);
  }

  /** True when an object is stored under `key`. */
  has(key: string): boolean {
    return this.#objects.has(key);
  }

  /** All object keys, in insertion order. */
  keys(): IterableIterator<string> {
    return this.#objects.keys();
  }

  /** Adds or replaces the object `key` with these labels (only own string properties are kept). */
  set(key: string, labels: Labels): void {
    const old = this.#objects.get(key);
    // Most updates (a status write) keep the labels: the postings already hold an equal copy.
    if (old !== undefined && sameLabels(old, labels)) return;
    const copy = snapshot(labels);
    if (old !== undefined) {
      for (const k of Object.keys(old)) {
        const v = old[k]!;
        if (copy[k] !== v || !Object.hasOwn(copy, k)) this.#unindex(key, k, v);
      }
    }
    // Every posting of the object points at the new copy, so re-enter all its labels.
    for (const k of Object.keys(copy)) this.#index(key, copy, k, copy[k]!);
    this.#objects.set(key, copy);
  }

  /** Removes the object `key`; returns false when there was none. */
  delete(key: string): boolean {
    const old = this.#objects.get(key);
    if (old === undefined) return false;
    for (const k of Object.keys(old)) this.#unindex(key, k, old[k]!);
    this.#objects.delete(key);
    return true;
  }

  /** Removes every object. */
  clear(): void {
    this.#objects.clear();
    this.#byValue.clear();
    this.#byKey.clear();
  }

  /** The keys of the objects whose labels match the selector (see the class comment). */
  query(selector: Selector): Set<string> {
    if (selector.isNothing()) return new Set();
    const reqs = selector.requirements;
    if (reqs.length === 0) return new Set(this.#objects.keys());

    let driver: ReadonlyMap<string, Labels>[] | undefined;
    let driverSize = Number.POSITIVE_INFINITY;
    for (const r of reqs) {
      const sets = this.#candidates(r);
      if (sets === undefined) continue;
      let size = 0;
      for (const s of sets) size += s.size;
      if (size === 0) return new Set();
      if (size < driverSize) {
        driver = sets;
        driverSize = size;
      }
    }

    const out = new Set<string>();
    if (driver === undefined) {
      // Only !=, notin and ! requirements: all keys minus the postings they exclude.
      const excluded = reqs.flatMap((r) => this.#excluded(r));
      this.#objects.forEach((_labels, key) => {
        for (let i = 0; i < excluded.length; i++) if (excluded[i]!.has(key)) return;
        out.add(key);
      });
      return out;
    }
    const matches = selector.matches;
    for (let i = 0; i < driver.length; i++) {
      driver[i]!.forEach((labels, key) => {
        if (matches(labels)) out.add(key);
      });
    }
    return out;
  }

  /** Postings whose union holds every object a positive requirement can match; else undefined. */
  #candidates(r: Requirement): ReadonlyMap<string, Labels>[] | undefined {
    switch (r.operator) {
      case '=':
      case '==':
      case 'in': {
        const values = this.#byValue.get(r.key);
        if (values === undefined) return [];
        const sets: ReadonlyMap<string, Labels>[] = [];
        for (const v of r.values) {
          const s = values.get(v);
          if (s !== undefined) sets.push(s);
        }
        return sets;
      }
      case 'exists':
        return [this.#byKey.get(r.key) ?? EMPTY];
      case 'gt':
      case 'lt': {
        const bound = r.values.length === 1 ? parseInt64(r.values[0]!) : null;
        const values = this.#byValue.get(r.key);
        if (bound === null || values === undefined) return [];
        const sets: ReadonlyMap<string, Labels>[] = [];
        for (const [v, s] of values) {
          const n = parseInt64(v);
          if (n !== null && (r.operator === 'gt' ? n > bound : n < bound)) sets.push(s);
        }
        return sets;
      }
      default:
        return undefined;
    }
  }

  /** Postings of the objects a negative requirement rejects. */
  #excluded(r: Requirement): ReadonlyMap<string, Labels>[] {
    if (r.operator === '!') {
      const s = this.#byKey.get(r.key);
      return s === undefined ? [] : [s];
    }
    const values = this.#byValue.get(r.key);
    if (values === undefined) return [];
    const sets: ReadonlyMap<string, Labels>[] = [];
    for (const v of r.values) {
      const s = values.get(v);
      if (s !== undefined) sets.push(s);
    }
    return sets;
  }

  #index(objectKey: string, labels: Labels, k: string, v: string): void {
    let values = this.#byValue.get(k);
    if (values === undefined) {
      values = new Map();
      this.#byValue.set(k, values);
    }
    let posting = values.get(v);
    if (posting === undefined) {
      posting = new Map();
      values.set(v, posting);
    }
    posting.set(objectKey, labels);
    let withKey = this.#byKey.get(k);
    if (withKey === undefined) {
      withKey = new Map();
      this.#byKey.set(k, withKey);
    }
    withKey.set(objectKey, labels);
  }

  #unindex(objectKey: string, k: string, v: string): void {
    const values = this.#byValue.get(k);
    const set = values?.get(v);
    if (set !== undefined) {
      set.delete(objectKey);
      if (set.size === 0) values!.delete(v);
      if (values!.size === 0) this.#byValue.delete(k);
    }
    const withKey = this.#byKey.get(k);
    if (withKey !== undefined) {
      withKey.delete(objectKey);
      if (withKey.size === 0) this.#byKey.delete(k);
    }
  }
}
