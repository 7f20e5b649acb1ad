/**
 * The object a write leaves in the watch cache, built from the written object instead of parsing the
 * stored JSON back — and sharing every subtree that did not change with the version it replaces.
 *
 * A pod goes through several writes (create, bind, status updates) whose spec never changes: parsing
 * each version gave every one of them its own copy of the spec, and each copy had to be allocated,
 * frozen, kept in the cache and its ring, and collected. Here an unchanged subtree is the previous
 * version's (frozen) subtree itself, so consumers can also tell "unchanged" by identity.
 */

import { isFrozenJson } from '@flotilla/api';
import { encodeObject } from './resource-cache.js';
import type { StoreObject } from './types.js';

type Obj = Record<string, unknown>;

/** Returned when the input is not plain JSON data: the caller parses the stored value instead. */
const UNUSUAL: unique symbol = Symbol('not plain JSON data');

/**
 * A written object in stored form, ready to become the cached object once its revision is known. A
 * class rather than closures: one is kept per version in the backend's history, and two closures
 * with their context cost more than the object itself.
 */
export class StoredForm {
  /** `metadata` is `object.metadata`, unfrozen until `build` adds the resourceVersion. */
  constructor(
    private readonly object: StoreObject,
    private readonly metadata: Obj,
  ) {}

  /** The stored text, `encodeObject` of the written object (made from the stored form). */
  encode(): string {
    // Before `build` metadata has no resourceVersion; after it, encodeObject leaves it out.
    return encodeObject(this.object);
  }

  /** The stored object at `revision` (call once): deeply frozen, `resourceVersion` set. */
  build(revision: number): StoreObject {
    // decodeObject sets resourceVersion last, on the parsed metadata.
    this.metadata.resourceVersion = String(revision);
    Object.freeze(this.metadata);
    return Object.freeze(this.object);
  }
}

/**
 * Prepares what `decodeObject` returns for the value `encodeObject(obj)` stored at a revision: the
 * built object has the same properties in the same order, deeply frozen — except that a subtree
 * deep-equal to the same path of `prev` (a stored object: frozen, already in this form) is `prev`'s
 * subtree itself. Built at once, so that nothing done to `obj` while the write is in flight can make
 * it differ from the stored text — which is why the text can be made later, from the stored form.
 *
 * Only plain data is handled (plain objects and arrays, strings, booleans, finite numbers, null, and
 * `undefined` properties, which JSON drops); for anything JSON would transform in another way
 * (`toJSON`, class instances, `-0`, `NaN`, holes or `undefined` in arrays, a `__proto__` key,
 * functions, symbols) it returns `undefined`, and the caller encodes and parses as before.
 */
export function storedForm(obj: StoreObject, prev: StoreObject | undefined): StoredForm | undefined {
  if (!isPlainObject(obj)) return undefined;
  keyTop = 0; // entries a throwing getter left behind
  const root = obj as unknown as Obj;
  const prevRoot = prev as unknown as Obj | undefined;
  // encodeObject writes `{ ...obj, metadata }`: metadata keeps its place, or comes last if absent.
  const keys = Object.keys(root);
  if (!Object.hasOwn(root, 'metadata')) keys.push('metadata');
  const out: Obj = {};
  let meta: Obj | undefined;
  for (const k of keys) {
    if (k === 'metadata') {
      const m = metadataOf(root.metadata, prevRoot?.metadata);
      if (m === UNUSUAL) return undefined;
      meta = m;
      out.metadata = m;
      continue;
    }
    const v = root[k];
    if (v === undefined) continue;
    const p = prevRoot === undefined ? undefined : ownValue(prevRoot, k);
    // A shared frozen tree (a ReplicaSet's defaulted pod spec) is stored form already: kept, not copied.
    const c = p === undefined && isFrozenJson(v) ? v : adopt(v, p);
    if (c === UNUSUAL) return undefined;
    out[k] = c;
  }
  return new StoredForm(out as unknown as StoreObject, meta as Obj);
}

/** Metadata without `resourceVersion`, left unfrozen for it to be added. */
function metadataOf(meta: unknown, prev: unknown): Obj | typeof UNUSUAL {
  if (meta !== undefined && !isPlainObject(meta)) return UNUSUAL;
  const prevMeta = isPlainObject(prev) ? prev : undefined;
  const out: Obj = {};
  if (meta === undefined) return out;
  for (const k of Object.keys(meta)) {
    if (k === 'resourceVersion') continue;
    const v = meta[k];
    if (v === undefined) continue;
    if (k === '__proto__') return UNUSUAL;
    const c = adopt(v, prevMeta === undefined ? undefined : ownValue(prevMeta, k));
    if (c === UNUSUAL) return UNUSUAL;
    out[k] = c;
  }
  return out;
}

/** `value` in stored form; `prev` (stored form) itself when they are deep-equal. */
function adopt(value: unknown, prev: unknown): unknown {
  if (value === prev && value !== undefined) return prev; // prev is stored form, hence so is value
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0) ? value : UNUSUAL;
    case 'object':
      if (value === null) return null;
      if (Array.isArray(value)) return adoptArray(value, Array.isArray(prev) ? prev : undefined);
      return isPlainObject(value) ? adoptObject(value, isPlainObject(prev) ? prev : undefined) : UNUSUAL;
    default:
      return UNUSUAL; // undefined inside an array, functions, symbols, bigints
  }
}

function adoptArray(value: readonly unknown[], prev: readonly unknown[] | undefined): unknown {
  if (Object.getPrototypeOf(value) !== Array.prototype || hasToJSON(value)) return UNUSUAL;
  const out: unknown[] = new Array(value.length);
  let same = prev !== undefined && prev.length === value.length;
  for (let i = 0; i < value.length; i++) {
    if (!(i in value)) return UNUSUAL;
    const c = adopt(value[i], prev?.[i]);
    if (c === UNUSUAL) return UNUSUAL;
    if (same && c !== prev?.[i]) same = false;
    out[i] = c;
  }
  return same ? prev : Object.freeze(out);
}

/**
 * Keys of the objects being adopted whose values so far all are prev's, as a stack shared by the
 * recursive calls (each pops its own entries): comparing key order with prev allocates nothing.
 */
const keyStack: string[] = [];
let keyTop = 0;

function adoptObject(value: Obj, prev: Obj | undefined): unknown {
  const out: Obj = {};
  let same = prev !== undefined;
  const base = keyTop;
  // for-in rather than Object.keys: no key array per object of every write.
  for (const k in value) {
    if (!Object.hasOwn(value, k)) continue;
    const v = value[k];
    if (v === undefined) continue;
    if (k === '__proto__') {
      keyTop = base;
      return UNUSUAL;
    }
    const p = prev === undefined ? undefined : ownValue(prev, k);
    const c = adopt(v, p);
    if (c === UNUSUAL) {
      keyTop = base;
      return UNUSUAL;
    }
    out[k] = c;
    if (same && c !== p) same = false;
    if (same) keyStack[keyTop++] = k;
  }
  // Every value is prev's: prev itself, if it has exactly these keys in this order.
  const shared = same && hasKeys(prev as Obj, base);
  keyTop = base;
  return shared ? prev : Object.freeze(out);
}

/** True when `obj`'s own keys are `keyStack[from..keyTop)`, in that order. */
function hasKeys(obj: Obj, from: number): boolean {
  let i = from;
  for (const k in obj) {
    if (!Object.hasOwn(obj, k)) continue;
    if (i >= keyTop || keyStack[i] !== k) return false;
    i++;
  }
  return i === keyTop;
}

function ownValue(obj: Obj, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

function isPlainObject(value: unknown): value is Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && !hasToJSON(value);
}

function hasToJSON(value: object): boolean {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}
