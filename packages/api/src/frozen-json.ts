/**
 * Shared frozen JSON: trees this package made deeply frozen plain JSON data, recognised by identity.
 *
 * Why: the hundred Pods a ReplicaSet creates are made from one template spec. Each create used to
 * clone it for defaulting, walk it twice for validation and copy it again into the store's stored
 * form — the same work on the same data a hundred times, and a hundred copies kept. A deeply frozen
 * spec can be defaulted once (`applyDefaults`), found valid once (`validate`), and its result shared
 * by every Pod, because nothing can change it afterwards. `isFrozenJson` is how the next stage knows
 * a tree is such a shared one without walking it.
 *
 * A vouched tree is exactly what `JSON.parse(JSON.stringify(tree))` gives back, deeply frozen: plain
 * objects and arrays (no holes), strings, booleans, finite numbers other than -0, `null` — no
 * `undefined` anywhere, no `__proto__` key, no `toJSON`.
 */

type Obj = Record<string, unknown>;

const vouched = new WeakSet<object>();

/** Beyond this nesting a tree is not vouched for (nothing Kubernetes-shaped is that deep). */
const MAX_DEPTH = 64;

/** True when `value` is a tree `freezeJson` vouched for: deeply frozen plain JSON, shareable as is. */
export function isFrozenJson(value: unknown): boolean {
  return typeof value === 'object' && value !== null && vouched.has(value);
}

/**
 * Freezes `tree` in place and vouches for it, when it is plain JSON data as described above; returns
 * whether it did. `tree` must be private to the caller (a fresh copy): a tree that does not qualify
 * is left as it was, unfrozen.
 */
export function freezeJson(tree: object): boolean {
  if (!isPlainJson(tree, 0)) return false;
  freezeDeep(tree);
  return true;
}

/** Trees found deeply frozen: a frozen tree cannot change, so the answer is kept (walked once). */
const deeplyFrozen = new WeakSet<object>();

/**
 * True when every object and array under `value` is frozen (a stored object's subtree), so that what
 * is derived from it may be remembered: asked again about the same tree, the answer comes at once.
 */
export function isDeeplyFrozen(value: unknown): boolean {
  return deeplyFrozenFrom(value, 0);
}

function deeplyFrozenFrom(value: unknown, depth: number): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (vouched.has(value) || deeplyFrozen.has(value)) return true;
  if (!Object.isFrozen(value) || depth > MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!deeplyFrozenFrom(value[i], depth + 1)) return false;
  } else {
    for (const key in value) if (!deeplyFrozenFrom((value as Obj)[key], depth + 1)) return false;
  }
  deeplyFrozen.add(value);
  return true;
}

function freezeDeep(value: object): void {
  if (vouched.has(value)) return;
  if (Array.isArray(value)) {
    for (const item of value) if (typeof item === 'object' && item !== null) freezeDeep(item);
  } else {
    for (const key in value) {
      const item = (value as Obj)[key];
      if (typeof item === 'object' && item !== null) freezeDeep(item);
    }
  }
  Object.freeze(value);
  vouched.add(value);
}

function isPlainJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null || vouched.has(value)) return true;
      if (depth > MAX_DEPTH) return false;
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype) return false;
        for (let i = 0; i < value.length; i++) {
          if (!(i in value) || !isPlainJson(value[i], depth + 1)) return false;
        }
        return true;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype) return false;
      if (Object.getOwnPropertySymbols(value).length > 0) return false;
      for (const key of Object.getOwnPropertyNames(value)) {
        if (key === '__proto__' || !Object.prototype.propertyIsEnumerable.call(value, key)) return false;
        if (!isPlainJson((value as Obj)[key], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false; // undefined, functions, symbols, bigints
  }
}
