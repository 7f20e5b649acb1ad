/** Helpers for defaulting plain JSON objects in place (on a private clone). */

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Beyond this nesting `cloneJson` gives up (a reference cycle looks like infinite depth). */
const MAX_CLONE_DEPTH = 64;
/** Returned by `cloneJson` for anything it does not copy itself. */
const NOT_JSON: unique symbol = Symbol('not JSON');

/** A child value's copy: primitives as they are (no call), objects through `cloneJson`. */
function copyOf(value: unknown, depth: number): unknown {
  if (typeof value === 'object' && value !== null) return cloneJson(value, depth + 1);
  return typeof value === 'function' || typeof value === 'symbol' ? NOT_JSON : value;
}

/**
 * Copies plain JSON-like data (plain objects, dense arrays, primitives); `NOT_JSON` for anything
 * else (class instances, `Date`, `Map`, sparse arrays, a `__proto__` key, functions, …) or nesting
 * deeper than `MAX_CLONE_DEPTH` (cycles).
 */
function cloneJson(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) {
    return typeof value === 'function' || typeof value === 'symbol' ? NOT_JSON : value;
  }
  if (depth > MAX_CLONE_DEPTH) return NOT_JSON;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return NOT_JSON;
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      const item = copyOf(value[i], depth);
      if (item === NOT_JSON || (item === undefined && !(i in value))) return NOT_JSON;
      out.push(item);
    }
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return NOT_JSON;
  const out: Obj = {}; // as structuredClone: a null-prototype object comes back as a plain one
  for (const key in value) {
    if (key === '__proto__') return NOT_JSON;
    const item = copyOf((value as Obj)[key], depth);
    if (item === NOT_JSON) return NOT_JSON;
    out[key] = item;
  }
  return out;
}

/**
 * `structuredClone(value)`, faster for the plain JSON data objects are made of: `structuredClone`
 * dominated `applyDefaults`' cost. Anything `cloneJson` does not handle goes to `structuredClone`,
 * so exotic input (cycles, `Date`, `Map`, …) is copied as before. One difference: a subtree shared
 * by two fields is copied twice (structuredClone keeps the sharing); defaults are idempotent, so
 * the defaulted result is the same.
 */
export function deepClone<T>(value: T): T {
  const copy = cloneJson(value, 0);
  return (copy === NOT_JSON ? structuredClone(value) : copy) as T;
}

/** The object at `parent[key]`, created (as `{}`) when absent; `undefined` when it is not an object. */
export function child(parent: Obj, key: string): Obj | undefined {
  const v = parent[key];
  if (v === undefined || v === null) {
    const created: Obj = {};
    parent[key] = created;
    return created;
  }
  return isObj(v) ? v : undefined;
}

/** The object at `parent[key]` when present. */
export function existing(parent: Obj | undefined, key: string): Obj | undefined {
  const v = parent?.[key];
  return isObj(v) ? v : undefined;
}

/** Each object element of the array at `parent[key]`. */
export function items(parent: Obj | undefined, key: string): Obj[] {
  const v = parent?.[key];
  return Array.isArray(v) ? v.filter(isObj) : [];
}

/** Sets `obj[key]` when it is absent (`undefined`/`null`), or also when empty (`""`/`0`) as Go's zero values are. */
export function setDefault(obj: Obj, key: string, value: unknown, zeroIsUnset = false): void {
  const v = obj[key];
  if (v === undefined || v === null || (zeroIsUnset && (v === '' || v === 0))) obj[key] = value;
}
